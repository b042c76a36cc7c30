/**
 * A real pseudo-terminal for CLI tests (python3's pty module: stdin and stderr are the terminal,
 * stdout a pipe), driven by keystrokes; each step waits (8 s at most) for the text of the prompt it
 * answers in the screen since the last send, then types its keys (no sleeps as synchronisation).
 */
import { spawn } from 'node:child_process';

const DRIVER = String.raw`
import fcntl, json, os, pty, re, select, struct, subprocess, sys, termios, threading, time, codecs
cfg = json.load(sys.stdin)
master, slave = pty.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', 50, cfg['cols'], 0, 0))
p = subprocess.Popen(cfg['argv'], stdin=slave, stderr=slave, stdout=subprocess.PIPE, env=cfg['env'], cwd=cfg.get('cwd'))
os.close(slave)
out = []
reader = threading.Thread(target=lambda: out.append(p.stdout.read()), daemon=True)
reader.start()
dec = codecs.getincrementaldecoder('utf-8')('replace')
screen = ''
mark = 0
ansi = re.compile(r'\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]')
def pump(t):
    global screen
    r, _, _ = select.select([master], [], [], t)
    if not r: return False
    try: data = os.read(master, 65536)
    except OSError: return None
    if not data: return None
    screen += dec.decode(data)
    return True
failed = None
for step in cfg['steps']:
    deadline = time.time() + 8
    pat = re.compile(step['wait'])
    while not pat.search(ansi.sub('', screen[mark:])):
        if time.time() > deadline or pump(0.2) is None:
            failed = step['wait']; break
    if failed: break
    mark = len(screen)
    os.write(master, step['send'].encode())
end = time.time() + cfg['exitWait']
while p.poll() is None and time.time() < end:
    pump(0.1)
while pump(0.05): pass
if p.poll() is None: p.kill()
p.wait()
reader.join(10)
json.dump({'code': p.returncode, 'stdout': (out[0] if out else b'').decode(), 'screen': ansi.sub('', screen), 'failed': failed}, sys.stdout)
`;

/** One keystroke step: wait for `wait` (a regular expression) on the screen, then type `send`. */
export interface Step {
  readonly wait: string;
  readonly send: string;
}

/** What the run left. */
export interface Driven {
  code: number;
  stdout: string;
  /** Everything drawn on the terminal (stderr), ANSI codes removed. */
  screen: string;
  /** The prompt text that never came, if any. */
  failed: string | null;
}

/** Options of {@link drive}. */
export interface DriveOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Terminal width (default 140). */
  readonly cols?: number;
  /** Seconds to wait for the process to end after the last step (default 8). */
  readonly exitWait?: number;
}

/** Runs `argv` on a pty through `steps`. */
export function drive(argv: readonly string[], steps: readonly Step[], opts: DriveOptions): Promise<Driven> {
  const cfg = { argv, env: opts.env, cwd: opts.cwd, cols: opts.cols ?? 140, exitWait: opts.exitWait ?? 8, steps };
  return new Promise((resolve, reject) => {
    const py = spawn('python3', ['-c', DRIVER], { stdio: ['pipe', 'pipe', 'inherit'] });
    let text = '';
    py.stdout.setEncoding('utf8').on('data', (d: string) => (text += d));
    py.on('error', reject);
    py.on('close', () => {
      try {
        resolve(JSON.parse(text) as Driven);
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
    py.stdin.end(JSON.stringify(cfg));
  });
}
