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

/** The settings the server reads, as documented in DESIGN.md (editor settings). */
export interface ServerSideSettings {
  channel?: Channel;
  agent?: string;
  brand?: string;
  language?: string;
  rules?: Record<string, unknown>;
}

/**
 * Turns the raw `replylint` configuration section into the settings sent to the
 * server. Unset values are left out so that the project's replylint.toml /
 * pyproject.toml still applies (editor settings override the config file only
 * where the user actually set something):
 * - `channel` only when the user set it (its declared default is `private`,
 *   which must not override a project's `channel = "public"`);
 * - `agent`, `brand`, `language` only when non-empty;
 * - `rules` only when it is a non-empty object.
 * Client-only keys (`server`, `trace`) are not sent.
 */
export function toServerSettings(raw: unknown, channelExplicitlySet: boolean): ServerSideSettings {
  const section = (raw !== null && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const out: ServerSideSettings = {};
  if (channelExplicitlySet && isChannel(section['channel'])) {
    out.channel = section['channel'];
  }
  for (const key of ['agent', 'brand', 'language'] as const) {
    const value = section[key];
    if (typeof value === 'string' && value.trim() !== '') {
      out[key] = value.trim();
    }
  }
  const rules = section['rules'];
  if (rules !== null && typeof rules === 'object' && !Array.isArray(rules) && Object.keys(rules).length > 0) {
    out.rules = rules as Record<string, unknown>;
  }
  return out;
}
