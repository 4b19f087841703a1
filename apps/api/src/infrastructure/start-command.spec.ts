import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandLineStart, productionStart } from './start-command';

describe('productionStart', () => {
  const dockerfile = readFileSync(join(__dirname, '..', '..', '..', '..', 'Dockerfile'), 'utf8');

  it('gives the node options of npm start, which the container image runs with too', () => {
    const { nodeOptions } = productionStart();
    expect(nodeOptions).toContainEqual(expect.stringMatching(/^--max-old-space-size=\d+$/));
    // V8's background threads one fewer than the machine's cores, not Node's fixed four (README, Memory).
    expect(nodeOptions).toContain('--v8-pool-size=0');
    expect(dockerfile).toContain(`CMD ["node", ${nodeOptions.map((option) => JSON.stringify(option)).join(', ')}, "dist/apps/api/src/main.js"]`);
  });

  it('reads each setting of a start script whole, an equals sign in its value included', () => {
    const folder = mkdtempSync(join(tmpdir(), 'start-command-'));
    try {
      const manifest = join(folder, 'package.json');
      writeFileSync(manifest, JSON.stringify({ scripts: { start: 'A=1 NODE_OPTIONS=--x=y node --max-old-space-size=64 dist/apps/api/src/main.js' } }));
      expect(productionStart(manifest)).toEqual({ environment: { A: '1', NODE_OPTIONS: '--x=y' }, nodeOptions: ['--max-old-space-size=64'] });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('gives the environment of npm start, which the container image sets too', () => {
    const { environment } = productionStart();
    // glibc gives every thread that allocates its own arena and keeps what it freed (see README).
    expect(environment).toEqual({ MALLOC_ARENA_MAX: '2' });
    for (const [name, value] of Object.entries(environment)) expect(dockerfile).toMatch(new RegExp(`^\\s+${name}=${value}\\b`, 'm'));
  });
});

describe('commandLineStart', () => {
  const scripts = (JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

  it('gives the node options of npm run cli, which the projector runs with too', () => {
    const { nodeOptions } = commandLineStart();
    // A rebuild's young garbage dies within a page of events: a young generation of a few
    // pages' worth keeps it from being copied and promoted (README, Memory).
    expect(nodeOptions).toContainEqual(expect.stringMatching(/^--max-semi-space-size=\d+$/));
    expect(scripts['projector']).toBe(`${scripts['cli']} projector`);
  });
});
