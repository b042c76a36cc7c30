import { messages as en } from '../../center/messages.js';
import { translate } from '../i18n/define.js';

/** zh-CN of the intake's messages (src/center/messages.ts holds the English of its HTTP answers and startup errors). */
export const center = translate(en, {
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
  'center.error.no-file': '{file} 不存在',
  'center.error.file-permission': '没有读取 {file} 的权限',
  'center.error.unreadable': '无法读取 {file}',
  'center.error.bad-tls': '{cert} 和 {key} 不是 PEM 格式的证书及其私钥',
  'center.error.data-not-folder': '数据文件夹 {dir} 是一个文件，或位于文件之下',
  'center.error.data-permission': '没有权限创建或使用数据文件夹 {dir}',
  'center.error.address-in-use': '无法在 {listen} 上监听：该地址已被占用（是否已有其他服务器在那里运行？）',
  'center.error.listen-permission': '无法在 {listen} 上监听：没有权限（1024 以下的端口需要特权）',
  'center.error.address-not-local': '无法在 {listen} 上监听：这不是本机的地址',
  'center.error.listen-unknown-host': '无法在 {listen} 上监听：未知的主机名',
  'center.log.store-failed': '保存信封失败：{message}',
  'center.error.deps-missing':
    '中心功能（serve、demo）需要可选依赖包 {package}，但它在这里没有安装或没有编译：请用 npm install {package}@{version} 安装（无法下载预编译文件时会从 C++ 源码编译），或者不带 --omit=optional 重新安装 sealpost',
});
