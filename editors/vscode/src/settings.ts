// What the extension answers when the server asks for the `replylint` section
// (workspace/configuration). Free of the `vscode` module so it can be tested.

export const CHANNELS = ['public', 'private', 'chat', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

export const CHANNEL_DESCRIPTIONS: Readonly<Record<Channel, string>> = {
  public: 'Visible to everyone: comment answers, public posts. Keep personal details out.',
  private: 'A private message to one customer.',
  chat: 'A live chat line: no signature needed, short answers.',
  email: 'An email: signature required, longer budget.',
};

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

/** The settings the server reads, as documented in docs/configuration.md (editor settings). */
export interface ServerSideSettings {
  channel?: Channel;
  agent?: string;
  brand?: string;
  language?: string;
  rules?: Record<string, unknown>;
  /** Anything else the user put under `replylint.` in settings.json, for the server to validate. */
  [key: string]: unknown;
}

/** Keys of the `replylint` section that only the extension uses. */
export const CLIENT_ONLY_KEYS: readonly string[] = ['server', 'trace'];

/**
 * Turns the raw `replylint` configuration section into the settings sent to the
 * server. Unset values are left out so that the project's replylint.toml /
 * pyproject.toml still applies (editor settings override the config file only
 * where the user actually set something):
 * - `channel` only when the user set it (its declared default is `private`,
 *   which must not override a project's `channel = "public"`);
 * - strings only when non-empty (trimmed), `rules` only when non-empty;
 * - client-only keys (`server`, `trace`) never.
 * Other keys are passed through for the server to validate.
 */
export function toServerSettings(raw: unknown, channelExplicitlySet: boolean): ServerSideSettings {
  const section = (raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
  const out: ServerSideSettings = {};
  for (const [key, value] of Object.entries(section)) {
    if (CLIENT_ONLY_KEYS.includes(key) || value === null || value === undefined) {
      continue;
    }
    if (key === 'channel') {
      if (channelExplicitlySet && isChannel(value)) {
        out.channel = value;
      }
    } else if (typeof value === 'string') {
      if (value.trim() !== '') {
        out[key] = value.trim();
      }
    } else if (key === 'rules') {
      if (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
        out.rules = value as Record<string, unknown>;
      }
    } else {
      out[key] = value;
    }
  }
  return out;
}
