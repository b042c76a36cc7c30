// The two undici modules the transport uses directly (see src/transport/http.ts), typed from
// undici's own public declarations.
declare module 'undici/lib/dispatcher/client.js' {
  import type { Client } from 'undici';
  const ClientClass: typeof Client;
  export default ClientClass;
}
declare module 'undici/lib/api/api-request.js' {
  import type { Client } from 'undici';
  const request: (this: Client, opts: Parameters<Client['request']>[0]) => ReturnType<Client['request']>;
  export default request;
}
