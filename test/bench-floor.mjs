// The floor of `npm run bench`'s generation figures: what any command-line tool pays that does the
// least this CLI must do — parse a command line with commander (30 options and a subcommand, as
// ours), write the same files a project gets (path → content, read from one JSON file: the CLI
// too has them in memory, from its templates), each folder made once, in a staging folder renamed
// into place, and write a record holding their contents deflated (regenerate's 3-way merge needs
// that base). No answers, no templates, no checks. The bench bundles it with esbuild as the CLI
// itself is bundled.
// Usage: node floor.mjs <new directory> --from <files.json>
import { Command } from 'commander';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';

const cmd = new Command('floor').argument('<dir>').requiredOption('--from <file>', "a project's files as JSON");
for (let i = 0; i < 30; i++) cmd.option(`--option-${i} <value>`, `option ${i}, e.g. --option-${i} x`);
cmd
  .command('regenerate')
  .argument('[dirs...]')
  .option('--check')
  .action(() => {});
cmd.action((dir, { from }) => {
  const plan = new Map(Object.entries(JSON.parse(readFileSync(from, 'utf8'))));
  const staging = `${dir}.tmp`;
  const made = new Set();
  for (const [path, text] of plan) {
    const folder = path.includes('/') ? `${staging}/${path.slice(0, path.lastIndexOf('/'))}` : staging;
    if (!made.has(folder)) mkdirSync(folder, { recursive: true });
    made.add(folder);
    writeFileSync(`${staging}/${path}`, text);
  }
  const base = deflateRawSync(JSON.stringify(Object.fromEntries(plan)), { level: 1 }).toString('base64');
  writeFileSync(`${staging}/record.json`, JSON.stringify({ base }));
  renameSync(staging, dir);
  console.log(`Wrote ${plan.size + 1} files to ${dir}`);
});
cmd.parse();
