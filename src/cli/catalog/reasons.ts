/**
 * zh-CN of the short English reasons that the lower layers put in a message's `{why}` or `{what}`
 * param (`/tmp/c.json: not a valid center file ({why})`). They are details inside a keyed message,
 * written where the check is; the CLI translates them here so that no English shows in zh-CN output
 * (issue 7). Captures are translated too (a reason may hold another: `route 3: bad url`);
 * tests/i18n/catalog.test.ts checks that every reason written in src/ has a rule.
 */
export const REASONS: readonly (readonly [RegExp, string])[] = [
  // JSON formats (src/util/json.ts) and the center file (src/crypto/center-file.ts)
  [/^not JSON$/, '不是 JSON'],
  [/^not UTF-8$/, '不是 UTF-8 文本'],
  [/^not an object$/, '不是 JSON 对象'],
  [/^not text$/, '不是文本'],
  [/^unknown version$/, '版本未知'],
  [/^bad name$/, '名称无效'],
  [/^(\w+) is not named (\S+)$/, '$1 的名称不是 $2'],
  [/^routes is not an array$/, 'routes 不是数组'],
  [/^route (\d+) is malformed$/, '第 $1 条线路格式错误'],
  [/^route (\d+) is not an object$/, '第 $1 条线路不是对象'],
  [/^route (\d+)$/, '第 $1 条线路'],
  // key files (src/crypto/keys.ts)
  [/^unknown kind$/, '密钥类型未知'],
  [/^expected a (\w+) key, got (\S+)$/, '应为 $1 密钥，实际为 $2'],
  [/^bad key bytes$/, '密钥字节无效'],
  [/^public key does not match the secret key$/, '公钥与私钥不匹配'],
  // receipts (src/crypto/receipt.ts, src/transport/deliver.ts)
  [/^line count$/, '行数不对'],
  [/^header$/, '首行不对'],
  [/^center name$/, '中心名称不符'],
  [/^envelope line$/, 'envelope 行无效'],
  [/^blind line$/, 'blind 行无效'],
  [/^index line$/, 'index 行无效'],
  [/^hour line$/, 'hour 行无效'],
  [/^log key name$/, '日志密钥的名称不符'],
  [/^envelope id$/, '信封标识不符'],
  [/^hour in the future$/, 'hour 晚于当前时间'],
  [/^missing$/, '缺少回执'],
  // route lists (src/transport/routes/route-list.ts) and route input (routes sign)
  [/^larger than (\d+) bytes$/, '超过 $1 字节'],
  [/^not five lines$/, '不是五行'],
  [/^not a route list$/, '不是线路列表'],
  [/^bad issued line$/, 'issued 行无效'],
  [/^bad expires line$/, 'expires 行无效'],
  [/^expires before it was issued$/, '过期时间早于签发时间'],
  [/^routes are not JSON$/, '线路不是 JSON'],
  [/^routes are not an array$/, '线路不是数组'],
  [/^duplicate route id (\S+)$/, '线路标识 $1 重复'],
  [/^duplicate id$/, '标识重复'],
  [/^unknown field (\S+)$/, '未知字段 $1'],
  [/^no array of routes$/, '没有线路数组'],
  // routes (src/transport/routes/route.ts); `route <id>: <why>` is an InputError's own message
  [/^route (\S+): (.+)$/, '线路 $1：$2'],
  [/^bad id$/, '标识无效'],
  [/^bad url$/, '地址无效'],
  [/^url must be http or https$/, '地址必须是 http 或 https'],
  [/^url must not carry credentials, a query or a fragment$/, '地址不能含凭据、查询或片段'],
  [/^a (\S+) route needs a (\S+) proxy$/, '$1 线路需要 $2 代理'],
  [/^unknown kind (.*)$/, '未知的线路类型 $1'],
  [/^only http-proxy and socks routes have a proxy$/, '只有 http-proxy 和 socks 线路才有代理'],
  [/^connect must be host:port$/, 'connect 必须是 主机:端口'],
  [/^bad servername$/, 'servername 无效'],
  [/^ca must be PEM certificates$/, 'ca 必须是 PEM 格式的证书'],
  [/^bad proxy URL$/, '代理地址无效'],
  [/^proxy must be http:\/\/, https:\/\/ or socks5h:\/\/host:port$/, '代理地址必须是 http://、https:// 或 socks5h://主机:端口'],
  // strategies (src/transport/strategy/parse.ts, spec 6): `<where>: strategy <entry>: <why>`
  [/^strategies$/, '策略（strategies）'],
  [/^strategies: (.+)$/, '策略（strategies）：$1'],
  [/^strategy (.+?): (.+)$/, '策略 $1：$2'],
  [/^a tls entry is a string$/, 'tls 条目必须是字符串'],
  [/^bad step "(.*)" \(split:N, tlsfrag:N, split:sni or tlsfrag:sni\)$/, '步骤 "$1" 无效（应为 split:N、tlsfrag:N、split:sni 或 tlsfrag:sni）'],
  [/^a cut must be below (\d+) bytes$/, '切分点必须小于 $1 字节'],
  [/^(split|tlsfrag) given twice$/, '$1 出现了两次'],
  [/^a dns entry is an object$/, 'dns 条目必须是对象'],
  [/^a dns entry has exactly one of system, https, tls$/, 'dns 条目必须恰好含 system、https、tls 之一'],
  [/^(\w+) takes an object$/, '$1 的值必须是对象'],
  [/^system takes no fields$/, 'system 不接受任何字段'],
  [/^unknown resolver kind (.*)$/, '未知的解析服务器类型 $1'],
  [/^name must be a host name$/, 'name 必须是域名'],
  [/^give it as <name>@<ip>:<port>$/, '请写成 <域名>@<IP>:<端口>'],
  [/^address must be ip:port \(an IP address, never a name\)$/, 'address 必须是 IP:端口（IP 地址，不能是域名）'],
  [/^(dns|tls) must be an array$/, '$1 必须是数组'],
  [/^(dns|tls) must not be empty$/, '$1 不能为空'],
  [/^(dns|tls) has more than (\d+) entries$/, '$1 的条目超过 $2 个'],
  [/^listed twice$/, '列出了两次'],
  [/^strategies must be an object$/, 'strategies 必须是对象'],
  [/^dns strategies are for direct and mirror routes$/, 'dns 策略只适用于 direct 和 mirror 线路'],
  [/^a route with connect resolves nothing: no dns strategies$/, '带 connect 的线路不解析域名：不能有 dns 策略'],
  // proxy credentials (src/transport/tunnel/proxy-common.ts)
  [/^bad percent-encoding in the credentials$/, '凭据中的百分号编码有误'],
  [/^user or password over 255 bytes$/, '用户名或密码超过 255 字节'],
  // the witness (src/center/witness): add-checkpoint requests and its state files
  [/^the first line must be "old <size>"$/, '第一行必须是 "old <大小>"'],
  [/^no empty line before the checkpoint$/, '检查点之前没有空行'],
  [/^more than (\d+) proof lines$/, '证明行超过 $1 行'],
  [/^proof line (\d+) is not the base64 of a 32-byte hash$/, '第 $1 行证明不是 32 字节哈希的 base64 编码'],
  [/^old size (\d+) is above the checkpoint's (\d+)$/, '旧大小 $1 超过了检查点的大小 $2'],
  [/^missing fields$/, '缺少字段'],
  [/^bad size or root$/, '大小或根哈希无效'],
  [/^origin does not match the file name$/, '来源与文件名不符'],
  [/^the note is not the recorded checkpoint$/, '签名笔记不是所记录的检查点'],
  [/^logKey is not the key of log\.key$/, 'logKey 不是 log.key 的密钥'],
  // the received log (src/log/checkpoint.ts) and the center file's log fields (src/crypto/center-file.ts, spec 5)
  [/^fewer than three lines$/, '不足三行'],
  [/^empty origin$/, '来源为空'],
  [/^tree size$/, '树大小无效'],
  [/^root hash$/, '根哈希无效'],
  [/^origin (\S+), expected (\S+)$/, '来源为 $1，应为 $2'],
  [/^(tiles|witnesses) is not an array$/, '$1 不是数组'],
  [/^tiles (\d+) is not an http\(s\) base URL$/, 'tiles 的第 $1 项不是 http(s) 基础地址'],
  [/^witness (\d+) has no name$/, '第 $1 个见证人没有名称'],
  [/^witness (\d+) has a bad key$/, '第 $1 个见证人的密钥无效'],
  [/^witness (\d+)'s key is not named (\S+)$/, '第 $1 个见证人的密钥名称不是 $2'],
  [/^witness (\d+) has a bad url$/, '第 $1 个见证人的地址无效'],
  [/^two witnesses have the same name$/, '两个见证人同名'],
  [/^witnessPolicy must be a whole number from 0 to the number of witnesses$/, 'witnessPolicy 必须是 0 到见证人数量之间的整数'],
  // last: the generic `bad <field>` of the center file (`bad boxKey`)
  [/^bad (\w+)$/, '$1 无效'],
];

/** `why` in zh-CN when a rule knows it (captures translated in turn), else as written. */
export function reasonZh(why: string, depth = 0): string {
  for (const [re, zh] of REASONS) {
    const m = re.exec(why);
    if (m) return zh.replace(/\$(\d)/g, (_, n: string) => (depth < 3 ? reasonZh(m[Number(n)] ?? '', depth + 1) : (m[Number(n)] ?? '')));
  }
  return why;
}
