/**
 * `tasuke serve`: runs tasuke on this machine. Opens the services once (the
 * assistant, the job queue, the escalations, the database), then the web
 * chat and dashboard on TASUKE_HOST:TASUKE_PORT (always; it prints the
 * address), and the Discord bot too when DISCORD_TOKEN is set, all on the
 * same services. On SIGTERM or SIGINT it closes the web, stops the bot
 * (finishing the interactions in flight), then closes the queue and the
 * database, in that order.
 *
 * The Discord settings are checked before anything is opened: a missing or
 * malformed one is a ConfigError naming it, which `main` prints (exit 2).
 */
import { discordSettings } from '../../config.ts';
import { createBot, type Bot } from '../../discord/bot.ts';
import { openServices } from '../../services.ts';
import { startWeb, type WebServer } from '../../web/server.ts';
import type { CliCommand } from '../command.ts';
import { HELP_OPTION, LANG_OPTION } from '../help.ts';
import { watchStop } from '../stop.ts';

/** `tasuke serve`. */
export const command: CliCommand = {
  name: 'serve',
  usage: 'serve',
  summary: 'Run tasuke: the web chat and dashboard, and the Discord bot when DISCORD_TOKEN is set',
  help: (ctx) => ({
    usage: ['tasuke serve'],
    summary: {
      ja: 'tasuke を動かします。Web チャットと TA ダッシュボードを TASUKE_HOST:TASUKE_PORT で開き、DISCORD_TOKEN があれば Discord ボットも同じプロセスで動かします。SIGTERM か Ctrl+C で、処理中のものを終えてから止まります。',
      en: 'Runs tasuke: the web chat and TA dashboard on TASUKE_HOST:TASUKE_PORT, and the Discord bot in the same process when DISCORD_TOKEN is set. SIGTERM or Ctrl+C finishes what is in flight, then stops.',
    },
    options: [LANG_OPTION, HELP_OPTION],
    examples: ['tasuke serve', `TASUKE_PORT=8080 TASUKE_TA_TOKENS=tomo:a-long-secret-token tasuke serve`],
    notes: [
      {
        ja: `設定は環境変数と .env から読みます（.env.example に一覧）。いまの設定: ${ctx.config.host}:${ctx.config.port}、Discord は${ctx.config.discord.token ? 'オン' : 'オフ'}。終了コード: 0 正常に停止、2 設定の誤り（どの変数かを表示）。`,
        en: `Settings come from the environment and .env (listed in .env.example). Now: ${ctx.config.host}:${ctx.config.port}, Discord ${ctx.config.discord.token ? 'on' : 'off'}. Exit codes: 0 stopped cleanly, 2 a configuration mistake (the variable is named).`,
      },
    ],
  }),
  async run(_argv, ctx) {
    const settings = discordSettings(ctx.config);
    // Listening for SIGTERM before anything opens: a stop during start-up waits for start-up, then closes cleanly.
    const stop = watchStop(ctx.signal);
    ctx.stdout.write('Starting tasuke: opening the database and the knowledge index (a changed knowledge/ is re-indexed first)…\n');
    let bot: Bot | undefined;
    let web: WebServer | undefined;
    try {
      const services = await openServices(ctx.config);
      try {
        const index = await services.assistant.ready();
        ctx.stdout.write(`Knowledge index ready: ${index.entries.length} entries${index.rebuilt ? ' (rebuilt)' : ''}.\n`);
        if (stop.reason === undefined) {
          web = await startWeb(services, ctx.config);
          ctx.stdout.write(`Web chat: ${web.url}/  (open it in a browser)\n`);
          ctx.stdout.write(
            web.dashboard
              ? `TA dashboard: ${web.url}/dashboard (${ctx.config.web.taTokens.length} TA token(s) configured).\n`
              : 'TA dashboard: off. Set TASUKE_TA_TOKENS (name:token,...) to turn it on; there is no default password.\n',
          );
        }
        if (stop.reason === undefined) {
          if (settings) {
            bot = createBot(services, settings);
            await bot.start();
            ctx.stdout.write(`Discord bot running as ${bot.client.user?.tag ?? '?'}.\n`);
          } else {
            ctx.stdout.write('Discord is off: DISCORD_TOKEN is not set (see .env.example). tasuke keeps running; stop it with Ctrl+C.\n');
          }
        }
        const why = await stop.stopped;
        ctx.stdout.write(`Stopping (${why}): finishing what is in flight…\n`);
      } finally {
        try {
          await web?.close();
          await bot?.stop();
        } finally {
          await services.close();
        }
      }
    } finally {
      stop.release();
    }
    ctx.stdout.write('Stopped.\n');
    return 0;
  },
};
