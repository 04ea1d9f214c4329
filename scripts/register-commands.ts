/**
 * `npx tsx scripts/register-commands.ts`: the same as `tasuke register-commands`
 * (the discord.js guide's deploy-commands script, kept apart from the bot).
 */
import { main } from '../src/cli/main.ts';

process.exitCode = await main(['register-commands', ...process.argv.slice(2)]);
