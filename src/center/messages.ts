import { defineMessages } from '../i18n/define.js';

/**
 * The intake's texts. `center.error.<code>` are the English `message` of the HTTP error answers
 * (spec 7: `{"error": <code>, "message": <English text>}`) and, translated, what the CLI prints.
 */
export const messages = defineMessages(
  {
    'center.error.too-large': 'the body is larger than the largest envelope (16433 bytes)',
    'center.error.bad-version': 'the envelope does not start with version byte 0x01',
    'center.error.bad-length': 'the envelope is not 1073, 4145 or 16433 bytes long',
    'center.error.bad-token': 'the Sealpost-Token header must be the base64 of 16 bytes',
    'center.error.overloaded': 'the intake is overloaded, retry later',
    'center.error.not-found': 'no such resource',
    'center.error.no-route-list': 'this intake publishes no route list',
    'center.error.bad-route-list': '{file} is not a route list of {center}',
    'center.error.method-not-allowed': 'method not allowed for this resource',
    'center.error.timeout': 'the request was too slow',
    'center.error.bad-request': 'malformed HTTP request',
    'center.error.headers-too-large': 'the request headers are too large',
    'center.error.expectation-failed': 'this server meets no expectation but 100-continue',
    'center.error.internal': 'internal error',
    'center.error.bad-listen': 'bad listen address {listen}: expected host:port, e.g. 127.0.0.1:8080 or [::1]:8080',
    'center.error.tls-pair': '--tls-cert and --tls-key go together',
    'center.log.store-failed': 'storing an envelope failed: {message}',
  },
  {
    'center.error.too-large': '请求体超过最大信封的大小（16433 字节）',
    'center.error.bad-version': '信封的第一个字节不是版本号 0x01',
    'center.error.bad-length': '信封长度不是 1073、4145 或 16433 字节',
    'center.error.bad-token': 'Sealpost-Token 头必须是 16 字节的 base64 编码',
    'center.error.overloaded': '接收服务器繁忙，请稍后重试',
    'center.error.not-found': '没有这个资源',
    'center.error.no-route-list': '此接收服务器没有发布线路列表',
    'center.error.bad-route-list': '{file} 不是 {center} 的线路列表',
    'center.error.method-not-allowed': '此资源不允许该请求方法',
    'center.error.timeout': '请求太慢',
    'center.error.bad-request': 'HTTP 请求格式错误',
    'center.error.headers-too-large': '请求头太大',
    'center.error.expectation-failed': '本服务器只支持 100-continue 这一种 Expect 请求头',
    'center.error.internal': '内部错误',
    'center.error.bad-listen': '监听地址 {listen} 有误：应为 主机:端口，例如 127.0.0.1:8080 或 [::1]:8080',
    'center.error.tls-pair': '--tls-cert 和 --tls-key 必须同时给出',
    'center.log.store-failed': '保存信封失败：{message}',
  },
);
