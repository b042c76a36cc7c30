/** Types of tests/harness/sni-filter.mjs (a user-space SNI censor: per packet or reassembling). */
export interface SniFilter {
  readonly port: number;
  /** `reset` or `pass`, one per connection, in order. */
  readonly decisions: string[];
  close(): Promise<void>;
}
export function serverName(hs: Buffer): string | undefined;
export function startSniFilter(o: {
  mode: 'packet' | 'reassemble';
  host?: string;
  port?: number;
  target: { host: string; port: number };
  blocked: string;
  onDecision?: (d: string) => void;
}): Promise<SniFilter>;
