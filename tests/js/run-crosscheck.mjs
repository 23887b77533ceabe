// Starts roundtable-ollama-sim on a free port, runs crosscheck.mjs against it,
// and stops it. Usage: node run-crosscheck.mjs /path/to/roundtable-ollama-sim
import { spawn } from 'node:child_process';
import { runChecks } from './crosscheck.mjs';

const simPath = process.argv[2];
if (!simPath) {
  console.error('usage: node run-crosscheck.mjs /path/to/roundtable-ollama-sim');
  process.exit(2);
}

const sim = spawn(simPath, ['--port', '0', '--quiet', '--pull-ms', '300', '--max-seconds', '240'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise((resolve, reject) => {
  let out = '';
  const timer = setTimeout(() => reject(new Error(`simulator did not start: ${out}`)), 10000);
  sim.stdout.on('data', (d) => {
    out += d;
    const m = /listening on (http:\/\/\S+)/.exec(out);
    if (m) {
      clearTimeout(timer);
      resolve(m[1]);
    }
  });
  sim.on('exit', (code) => reject(new Error(`simulator exited with ${code}: ${out}`)));
  sim.on('error', reject);
}).catch((e) => {
  console.error(e.message);
  process.exit(1);
});

console.log(`simulator at ${url}`);
let failed = 1;
try {
  failed = await runChecks(url);
} finally {
  sim.kill('SIGTERM');
}
process.exit(failed === 0 ? 0 : 1);
