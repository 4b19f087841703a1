import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { productionNodeOptions } from './start-command';

describe('productionNodeOptions', () => {
  it('gives the options of npm start, which the container image runs with too', () => {
    const options = productionNodeOptions();
    expect(options).toContainEqual(expect.stringMatching(/^--max-old-space-size=\d+$/));
    const dockerfile = readFileSync(join(__dirname, '..', '..', '..', '..', 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`CMD ["node", ${options.map((option) => JSON.stringify(option)).join(', ')}, "dist/apps/api/src/main.js"]`);
  });
});
