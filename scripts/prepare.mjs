// `prepare` builds the project after `npm install`. npx runs it too, each time it links this
// checkout into its cache to run `npx ppl` (npm_command is then 'exec'): the build is already
// there, and rebuilding it would make the first `npx ppl` in a clone take half a minute.
import { execSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const built = fs.existsSync(path.join(root, 'dist', 'cli', 'main.js'));
if (process.env.npm_command === 'exec' && built) process.exit(0);
execSync('npm run build', { cwd: root, stdio: 'inherit' });
