/**
 * A child process for the fault test: opens the services on the data dir
 * given as argv[2] and walks escalations through their lifecycle in a loop
 * (open → claimed → resolved, with a TA response; every third one dismissed
 * instead), printing `committed <key> <state>` after each change returns, so
 * the parent knows what SQLite has accepted when it kills this process.
 */
import { loadConfig } from '../../../src/config.ts';
import { silentLogger } from '../../../src/core/log.ts';
import { openServices } from '../../../src/services.ts';

const [dataDir, knowledgeDir, startArg, countArg] = process.argv.slice(2);
const start = Number(startArg ?? 0);
const count = Number(countArg ?? 1_000_000);
const config = loadConfig({ TASUKE_DATA_DIR: dataDir, TASUKE_KNOWLEDGE_DIR: knowledgeDir }, {});
const s = await openServices(config, { log: silentLogger(), sweepIntervalMs: 3_600_000 });
const ta = { id: 'ta:kim', name: 'kim' };
const out = (line: string) => process.stdout.write(line + '\n');
out('ready');
for (let i = start; i < start + count; i++) {
  const key = `fault:${i}`;
  const { escalation, created } = s.escalate({
    reason: 'asked',
    question: `question number ${i} ` + 'x'.repeat(i % 200),
    lang: i % 2 ? 'en' : 'ja',
    asker: { id: `u${i}`, name: `user ${i}` },
    origin: { face: 'web' },
    key,
  });
  out(`committed ${key} ${created ? 'open' : escalation.state}`);
  if (escalation.state !== 'open') continue;
  if (i % 3 === 2) {
    s.escalations.dismiss(escalation.id, ta, 'duplicate');
    out(`committed ${key} dismissed`);
    continue;
  }
  s.escalations.claim(escalation.id, ta);
  out(`committed ${key} claimed`);
  s.escalations.resolve(escalation.id, ta, `answer ${i}`);
  out(`committed ${key} resolved`);
}
await s.close();
out('done');
