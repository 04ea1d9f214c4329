/**
 * The request-body limits that real Discord enforces, as pure functions.
 *
 * Each check returns a list of {@link FieldError}s (empty when the body is
 * fine). The fake turns a non-empty list into Discord's own answer, HTTP 400
 * `{code: 50035, message: 'Invalid Form Body', errors}`, so the bot sees in
 * tests exactly the failure it would see in production. Lengths are counted
 * in Unicode code points, as Discord does (its API validates Python `str`s),
 * not in UTF-16 units.
 */

/** A loosely typed JSON object, as the bot sends it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ApiObject = Record<string, any>;

/** One rejected field: `path` is dotted (`embeds.0.title`), as in Discord's error tree. */
export interface FieldError {
  path: string;
  code: string;
  message: string;
}

/** Discord's documented limits; exported so tests can build payloads right at the edge. */
export const LIMITS = {
  content: 2000,
  embedsPerMessage: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  embedFieldName: 256,
  embedFieldValue: 1024,
  embedFooter: 2048,
  embedAuthorName: 256,
  embedTotal: 6000,
  filesPerMessage: 10,
  stickersPerMessage: 3,
  threadName: 100,
  actionRows: 5,
  buttonsPerRow: 5,
  buttonLabel: 80,
  customId: 100,
  selectOptions: 25,
  selectOptionText: 100,
  selectPlaceholder: 150,
  autocompleteChoices: 25,
  choiceName: 100,
  choiceStringValue: 100,
  modalTitle: 45,
  modalRows: 5,
  commandName: 32,
  commandDescription: 100,
  commandOptions: 25,
  commandChoices: 25,
  globalCommands: 100,
} as const;

/** The locales Discord accepts as keys of `name_localizations` / `description_localizations`. */
export const DISCORD_LOCALES: ReadonlySet<string> = new Set([
  'id', 'da', 'de', 'en-GB', 'en-US', 'es-ES', 'es-419', 'fr', 'hr', 'it', 'lt', 'hu', 'nl', 'no', 'pl',
  'pt-BR', 'ro', 'fi', 'sv-SE', 'vi', 'tr', 'cs', 'el', 'bg', 'ru', 'uk', 'hi', 'th', 'zh-CN', 'ja', 'zh-TW', 'ko',
]);

/** Length as Discord counts it: code points. */
export function textLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function maxLen(errors: FieldError[], path: string, value: unknown, max: number, min = 0): void {
  if (value === undefined || value === null) {
    if (min > 0) errors.push({ path, code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
    return;
  }
  if (typeof value !== 'string') {
    errors.push({ path, code: 'BASE_TYPE_STRING', message: `Must be a string (got ${typeof value}).` });
    return;
  }
  const n = textLength(value);
  if (n > max || n < min) {
    errors.push({
      path,
      code: n > max ? 'BASE_TYPE_MAX_LENGTH' : 'BASE_TYPE_MIN_LENGTH',
      message: min > 0 ? `Must be between ${min} and ${max} in length (got ${n}).` : `Must be ${max} or fewer in length (got ${n}).`,
    });
  }
}

function maxItems(errors: FieldError[], path: string, value: unknown, max: number): value is unknown[] {
  if (value === undefined || value === null) return false;
  if (!Array.isArray(value)) {
    errors.push({ path, code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' });
    return false;
  }
  if (value.length > max) {
    errors.push({ path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer in length (got ${value.length}).` });
  }
  return true;
}

// Discord rejects embed URLs that are not absolute http(s) (or attachment:// for
// uploaded files) with "Not a well formed URL"; a relative chart path is a classic bug.
const EMBED_URL = /^(https?:\/\/[^\s]+|attachment:\/\/[^\s/]+)$/;

function checkUrl(errors: FieldError[], path: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string' || !EMBED_URL.test(value)) {
    errors.push({ path, code: 'URL_TYPE_INVALID_URL', message: `Not a well formed URL (got ${JSON.stringify(value)}).` });
  }
}

/** Embed limits, each embed on its own and the 6000-character total across all of them. */
export function validateEmbeds(embeds: unknown, path = 'embeds'): FieldError[] {
  const errors: FieldError[] = [];
  if (!maxItems(errors, path, embeds, LIMITS.embedsPerMessage)) return errors;
  let total = 0;
  const count = (v: unknown) => (typeof v === 'string' ? textLength(v) : 0);
  (embeds as ApiObject[]).forEach((e, i) => {
    const p = `${path}.${i}`;
    if (typeof e !== 'object' || e === null) {
      errors.push({ path: p, code: 'MODEL_TYPE_CONVERT', message: 'Only dictionaries may be used in a ModelType' });
      return;
    }
    maxLen(errors, `${p}.title`, e.title, LIMITS.embedTitle);
    maxLen(errors, `${p}.description`, e.description, LIMITS.embedDescription);
    maxLen(errors, `${p}.footer.text`, e.footer?.text, LIMITS.embedFooter);
    maxLen(errors, `${p}.author.name`, e.author?.name, LIMITS.embedAuthorName);
    checkUrl(errors, `${p}.url`, e.url);
    checkUrl(errors, `${p}.image.url`, e.image?.url);
    checkUrl(errors, `${p}.thumbnail.url`, e.thumbnail?.url);
    checkUrl(errors, `${p}.author.url`, e.author?.url);
    checkUrl(errors, `${p}.author.icon_url`, e.author?.icon_url);
    checkUrl(errors, `${p}.footer.icon_url`, e.footer?.icon_url);
    if (e.color !== undefined && e.color !== null && (!Number.isInteger(e.color) || e.color < 0 || e.color > 0xffffff)) {
      errors.push({ path: `${p}.color`, code: 'NUMBER_TYPE_MAX', message: 'int value should be <= 16777215 and >= 0.' });
    }
    total += count(e.title) + count(e.description) + count(e.footer?.text) + count(e.author?.name);
    if (maxItems(errors, `${p}.fields`, e.fields, LIMITS.embedFields)) {
      (e.fields as ApiObject[]).forEach((f, j) => {
        maxLen(errors, `${p}.fields.${j}.name`, f?.name, LIMITS.embedFieldName, 1);
        maxLen(errors, `${p}.fields.${j}.value`, f?.value, LIMITS.embedFieldValue, 1);
        total += count(f?.name) + count(f?.value);
      });
    }
  });
  if (total > LIMITS.embedTotal) {
    errors.push({
      path,
      code: 'MAX_EMBED_SIZE_EXCEEDED',
      message: `Embed size exceeds maximum size of ${LIMITS.embedTotal} (got ${total}).`,
    });
  }
  return errors;
}

const BUTTON = 2;
const SELECT_TYPES = new Set([3, 5, 6, 7, 8]);
const IS_COMPONENTS_V2 = 1 << 15;

/**
 * Classic message components: at most 5 action rows; a row holds up to 5
 * buttons or exactly one select menu; labels, custom ids and options have
 * length limits; custom ids are unique within the message. Components V2
 * layouts (flag 1<<15) are not modelled and pass unchecked.
 */
export function validateComponents(components: unknown, flags = 0, path = 'components'): FieldError[] {
  const errors: FieldError[] = [];
  if ((flags & IS_COMPONENTS_V2) !== 0) return errors;
  if (!maxItems(errors, path, components, LIMITS.actionRows)) return errors;
  const seen = new Set<string>();
  const customId = (p: string, id: unknown) => {
    maxLen(errors, p, id, LIMITS.customId, 1);
    if (typeof id === 'string') {
      if (seen.has(id)) errors.push({ path: p, code: 'COMPONENT_CUSTOM_ID_DUPLICATED', message: `Component custom id cannot be duplicated (${id}).` });
      seen.add(id);
    }
  };
  (components as ApiObject[]).forEach((row, i) => {
    const p = `${path}.${i}`;
    if (row?.type !== 1) {
      errors.push({ path: `${p}.type`, code: 'COMPONENT_LAYOUT_INVALID', message: `Top-level components must be action rows (type 1), got ${row?.type}.` });
      return;
    }
    const children = row.components;
    if (!Array.isArray(children) || children.length === 0) {
      errors.push({ path: `${p}.components`, code: 'BASE_TYPE_MIN_LENGTH', message: 'An action row needs at least one component.' });
      return;
    }
    const selects = children.filter((c: ApiObject) => SELECT_TYPES.has(c?.type)).length;
    if (selects > 0 && children.length > 1) {
      errors.push({ path: `${p}.components`, code: 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', message: 'A select menu must be alone in its action row.' });
    }
    if (children.length > LIMITS.buttonsPerRow) {
      errors.push({ path: `${p}.components`, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${LIMITS.buttonsPerRow} or fewer in length (got ${children.length}).` });
    }
    children.forEach((c: ApiObject, j: number) => {
      const q = `${p}.components.${j}`;
      if (c?.type === BUTTON) {
        maxLen(errors, `${q}.label`, c.label, LIMITS.buttonLabel);
        if (c.style === 5) {
          if (typeof c.url !== 'string') errors.push({ path: `${q}.url`, code: 'BASE_TYPE_REQUIRED', message: 'A link button needs a url.' });
          if (c.custom_id !== undefined) errors.push({ path: `${q}.custom_id`, code: 'BUTTON_COMPONENT_CUSTOM_ID_FORBIDDEN', message: 'A link button cannot have a custom_id.' });
        } else if (c.style === 6) {
          if (typeof c.sku_id !== 'string') errors.push({ path: `${q}.sku_id`, code: 'BASE_TYPE_REQUIRED', message: 'A premium button needs a sku_id.' });
        } else {
          if (![1, 2, 3, 4].includes(c.style)) errors.push({ path: `${q}.style`, code: 'BASE_TYPE_CHOICES', message: `Value must be one of (1, 2, 3, 4, 5, 6) (got ${c.style}).` });
          customId(`${q}.custom_id`, c.custom_id);
        }
        if (c.label === undefined && c.emoji === undefined) {
          errors.push({ path: q, code: 'BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED', message: 'A button needs a label or an emoji.' });
        }
      } else if (SELECT_TYPES.has(c?.type)) {
        customId(`${q}.custom_id`, c.custom_id);
        maxLen(errors, `${q}.placeholder`, c.placeholder, LIMITS.selectPlaceholder);
        if (c.type === 3) {
          if (!Array.isArray(c.options) || c.options.length === 0) {
            errors.push({ path: `${q}.options`, code: 'BASE_TYPE_MIN_LENGTH', message: 'A string select needs at least one option.' });
          } else {
            maxItems(errors, `${q}.options`, c.options, LIMITS.selectOptions);
            c.options.forEach((o: ApiObject, k: number) => {
              maxLen(errors, `${q}.options.${k}.label`, o?.label, LIMITS.selectOptionText, 1);
              maxLen(errors, `${q}.options.${k}.value`, o?.value, LIMITS.selectOptionText, 1);
              maxLen(errors, `${q}.options.${k}.description`, o?.description, LIMITS.selectOptionText);
            });
          }
        }
        for (const key of ['min_values', 'max_values'] as const) {
          const v = c[key];
          if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > 25)) {
            errors.push({ path: `${q}.${key}`, code: 'NUMBER_TYPE_MAX', message: `${key} must be between 0 and 25.` });
          }
        }
      } else {
        errors.push({ path: `${q}.type`, code: 'COMPONENT_TYPE_INVALID', message: `Component type ${c?.type} cannot be placed in an action row.` });
      }
    });
  });
  return errors;
}

/** Everything a message body (create, edit, interaction reply, webhook) can get wrong on its own. */
export function validateMessageBody(
  body: ApiObject,
  opts: { fileCount?: number; requireNonEmpty?: boolean; path?: string } = {},
): FieldError[] {
  const base = opts.path ? `${opts.path}.` : '';
  const errors: FieldError[] = [];
  if (body.content !== undefined && body.content !== null) maxLen(errors, `${base}content`, body.content, LIMITS.content);
  errors.push(...validateEmbeds(body.embeds, `${base}embeds`));
  errors.push(...validateComponents(body.components, Number(body.flags ?? 0), `${base}components`));
  maxItems(errors, `${base}sticker_ids`, body.sticker_ids, LIMITS.stickersPerMessage);
  const files = opts.fileCount ?? 0;
  if (files > LIMITS.filesPerMessage) {
    errors.push({ path: `${base}files`, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${LIMITS.filesPerMessage} or fewer files (got ${files}).` });
  }
  return errors;
}

/**
 * Discord's "Cannot send an empty message" (code 50006): no content, embed,
 * file, component, sticker or poll. Answered as its own error, not as 50035.
 */
export function isEmptyMessage(body: ApiObject, fileCount: number): boolean {
  const has = (v: unknown) => Array.isArray(v) && v.length > 0;
  return (
    (typeof body.content !== 'string' || body.content.length === 0) &&
    !has(body.embeds) &&
    !has(body.components) &&
    !has(body.sticker_ids) &&
    fileCount === 0 &&
    !has(body.attachments) &&
    !body.poll
  );
}

/** A thread name: 1 to 100 characters. */
export function validateThreadName(name: unknown, path = 'name'): FieldError[] {
  const errors: FieldError[] = [];
  // Discord strips surrounding whitespace, so a blank name counts as empty.
  maxLen(errors, path, typeof name === 'string' ? name.trim() : name, LIMITS.threadName, 1);
  return errors;
}

const ARCHIVE_DURATIONS = new Set([60, 1440, 4320, 10080]);

/** `auto_archive_duration` accepts only 60, 1440, 4320 or 10080 minutes. */
export function validateArchiveDuration(value: unknown, path = 'auto_archive_duration'): FieldError[] {
  if (value === undefined || value === null || ARCHIVE_DURATIONS.has(value as number)) return [];
  return [{ path, code: 'BASE_TYPE_CHOICES', message: `Value must be one of {60, 1440, 4320, 10080} (got ${String(value)}).` }];
}

/** Autocomplete results (callback type 8): at most 25 choices, names 1-100, string values up to 100. */
export function validateChoices(choices: unknown, path = 'data.choices'): FieldError[] {
  const errors: FieldError[] = [];
  if (choices === undefined) return errors;
  if (!maxItems(errors, path, choices, LIMITS.autocompleteChoices)) return errors;
  (choices as ApiObject[]).forEach((c, i) => {
    maxLen(errors, `${path}.${i}.name`, c?.name, LIMITS.choiceName, 1);
    if (typeof c?.value === 'string') maxLen(errors, `${path}.${i}.value`, c.value, LIMITS.choiceStringValue);
    else if (typeof c?.value !== 'number') {
      errors.push({ path: `${path}.${i}.value`, code: 'BASE_TYPE_REQUIRED', message: 'A choice needs a string or number value.' });
    }
  });
  return errors;
}

/** A modal (callback type 9): custom_id, a title up to 45, 1 to 5 rows. */
export function validateModal(data: ApiObject | undefined, path = 'data'): FieldError[] {
  const errors: FieldError[] = [];
  if (!data) return [{ path, code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }];
  maxLen(errors, `${path}.custom_id`, data.custom_id, LIMITS.customId, 1);
  maxLen(errors, `${path}.title`, data.title, LIMITS.modalTitle, 1);
  if (!Array.isArray(data.components) || data.components.length === 0 || data.components.length > LIMITS.modalRows) {
    errors.push({ path: `${path}.components`, code: 'BASE_TYPE_BAD_LENGTH', message: `Must be between 1 and ${LIMITS.modalRows} in length.` });
  }
  return errors;
}

// Discord's documented command-name pattern; names must also be lower case
// wherever the letter has a lower-case form.
const COMMAND_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function checkName(errors: FieldError[], path: string, name: unknown, chatInput: boolean): void {
  if (typeof name !== 'string' || name.length === 0) {
    errors.push({ path, code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
    return;
  }
  if (chatInput) {
    if (!COMMAND_NAME.test(name)) {
      errors.push({ path, code: 'APPLICATION_COMMAND_INVALID_NAME', message: `Command name is invalid (${JSON.stringify(name)}).` });
    } else if (name !== name.toLowerCase()) {
      errors.push({ path, code: 'APPLICATION_COMMAND_INVALID_NAME', message: `Command names must be lower case (${JSON.stringify(name)}).` });
    }
  } else {
    maxLen(errors, path, name, LIMITS.commandName, 1);
  }
}

function checkLocalizations(
  errors: FieldError[],
  path: string,
  value: unknown,
  each: (p: string, v: unknown) => void,
): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'object') {
    errors.push({ path, code: 'MODEL_TYPE_CONVERT', message: 'Must be an object.' });
    return;
  }
  for (const [locale, v] of Object.entries(value as ApiObject)) {
    if (!DISCORD_LOCALES.has(locale)) {
      errors.push({ path: `${path}.${locale}`, code: 'LOCALE_INVALID', message: `Invalid locale ${JSON.stringify(locale)} (Discord uses e.g. "ja", "en-US").` });
    } else {
      each(`${path}.${locale}`, v);
    }
  }
}

function validateOptions(errors: FieldError[], path: string, options: unknown, depth: number): void {
  if (!maxItems(errors, path, options, LIMITS.commandOptions)) return;
  const list = options as ApiObject[];
  const names = new Set<string>();
  let sawOptional = false;
  const subs = list.filter((o) => o?.type === 1 || o?.type === 2).length;
  if (subs > 0 && subs !== list.length) {
    errors.push({ path, code: 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', message: 'Sub-commands and groups cannot be mixed with other options.' });
  }
  list.forEach((o, i) => {
    const p = `${path}.${i}`;
    if (!Number.isInteger(o?.type) || o.type < 1 || o.type > 11) {
      errors.push({ path: `${p}.type`, code: 'BASE_TYPE_CHOICES', message: `Invalid option type ${o?.type}.` });
      return;
    }
    checkName(errors, `${p}.name`, o.name, true);
    if (names.has(o.name)) errors.push({ path: `${p}.name`, code: 'APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS', message: `Option name ${o.name} is already used.` });
    names.add(o.name);
    maxLen(errors, `${p}.description`, o.description, LIMITS.commandDescription, 1);
    checkLocalizations(errors, `${p}.name_localizations`, o.name_localizations, (q, v) => checkName(errors, q, v, true));
    checkLocalizations(errors, `${p}.description_localizations`, o.description_localizations, (q, v) =>
      maxLen(errors, q, v, LIMITS.commandDescription, 1),
    );
    if (o.type === 1 || o.type === 2) {
      if ((o.type === 2 && depth > 0) || (o.type === 1 && depth > 1)) {
        errors.push({ path: `${p}.type`, code: 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', message: 'Sub-commands nest at most as group > sub-command.' });
      }
      validateOptions(errors, `${p}.options`, o.options, depth + 1);
      return;
    }
    if (o.required) {
      if (sawOptional) errors.push({ path: `${p}.required`, code: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', message: 'Required options must be placed before non-required options.' });
    } else {
      sawOptional = true;
    }
    if (o.choices !== undefined) {
      if (![3, 4, 10].includes(o.type)) errors.push({ path: `${p}.choices`, code: 'BASE_TYPE_INVALID', message: 'Only string, integer and number options have choices.' });
      if (o.autocomplete) errors.push({ path: `${p}.autocomplete`, code: 'APPLICATION_COMMAND_AUTOCOMPLETE_INVALID', message: 'Autocomplete cannot be set with choices.' });
      errors.push(...validateChoices(o.choices, `${p}.choices`));
    }
    if (o.autocomplete && ![3, 4, 10].includes(o.type)) {
      errors.push({ path: `${p}.autocomplete`, code: 'APPLICATION_COMMAND_AUTOCOMPLETE_INVALID', message: 'Only string, integer and number options autocomplete.' });
    }
    if ((o.min_value !== undefined || o.max_value !== undefined) && ![4, 10].includes(o.type)) {
      errors.push({ path: `${p}.min_value`, code: 'BASE_TYPE_INVALID', message: 'min_value/max_value are for integer and number options.' });
    }
    if ((o.min_length !== undefined || o.max_length !== undefined) && o.type !== 3) {
      errors.push({ path: `${p}.min_length`, code: 'BASE_TYPE_INVALID', message: 'min_length/max_length are for string options.' });
    }
    if (typeof o.min_value === 'number' && typeof o.max_value === 'number' && o.min_value > o.max_value) {
      errors.push({ path: `${p}.min_value`, code: 'BASE_TYPE_INVALID', message: 'min_value is above max_value.' });
    }
  });
}

/** A bulk-overwrite body: names, descriptions, localizations and options as Discord checks them. */
export function validateCommands(commands: unknown): FieldError[] {
  const errors: FieldError[] = [];
  if (!Array.isArray(commands)) return [{ path: '', code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' }];
  if (commands.length > LIMITS.globalCommands) {
    errors.push({ path: '', code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${LIMITS.globalCommands} or fewer in length.` });
  }
  const seen = new Set<string>();
  commands.forEach((c: ApiObject, i) => errors.push(...validateCommand(c, String(i), seen)));
  return errors;
}

/** One command definition; `seen` catches duplicate names of the same type. */
export function validateCommand(c: ApiObject, path = '', seen = new Set<string>()): FieldError[] {
  const errors: FieldError[] = [];
  const p = path ? `${path}.` : '';
  const type = c?.type ?? 1;
  const chatInput = type === 1;
  checkName(errors, `${p}name`, c?.name, chatInput);
  const key = `${type}:${c?.name}`;
  if (seen.has(key)) errors.push({ path: `${p}name`, code: 'APPLICATION_COMMANDS_DUPLICATE_NAME', message: `Application command names must be unique (${c?.name}).` });
  seen.add(key);
  if (chatInput) maxLen(errors, `${p}description`, c?.description, LIMITS.commandDescription, 1);
  else if (c?.description) errors.push({ path: `${p}description`, code: 'BASE_TYPE_INVALID', message: 'User and message commands have no description.' });
  checkLocalizations(errors, `${p}name_localizations`, c?.name_localizations, (q, v) => checkName(errors, q, v, chatInput));
  checkLocalizations(errors, `${p}description_localizations`, c?.description_localizations, (q, v) =>
    maxLen(errors, q, v, LIMITS.commandDescription, 1),
  );
  if (chatInput) validateOptions(errors, `${p}options`, c?.options, 0);
  return errors;
}

/**
 * Why a body's `allowed_mentions` would let Discord ping someone, or null when
 * it pings nobody. The bot must always send `{parse: []}` (or `{}`), so a
 * student's "@everyone" echoed back can never notify the whole workshop.
 */
export function mentionProblem(body: ApiObject | undefined): string | null {
  const am = body?.allowed_mentions;
  if (am === undefined || am === null) return 'allowed_mentions is missing (Discord then parses every mention in content)';
  if (Array.isArray(am.parse) && am.parse.length > 0) return `allowed_mentions.parse is ${JSON.stringify(am.parse)}, not []`;
  if (Array.isArray(am.users) && am.users.length > 0) return 'allowed_mentions.users lists users';
  if (Array.isArray(am.roles) && am.roles.length > 0) return 'allowed_mentions.roles lists roles';
  if (am.replied_user === true) return 'allowed_mentions.replied_user is true';
  return null;
}

/** Turns flat field errors into Discord's nested `errors` tree (`{content: {_errors: [...]}}`). */
export function toErrorTree(errors: FieldError[]): ApiObject {
  const tree: ApiObject = {};
  for (const e of errors) {
    let node = tree;
    for (const part of e.path.split('.').filter(Boolean)) node = node[part] ??= {};
    (node._errors ??= []).push({ code: e.code, message: e.message });
  }
  return tree;
}

/** One line per error, for violation messages. */
export function describeErrors(errors: FieldError[]): string {
  return errors.map((e) => `${e.path || '(body)'}: ${e.message}`).join('; ');
}
