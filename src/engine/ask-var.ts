/** What the engine asks the user for one `vars_prompt` entry (the CLI asks on the terminal). */
export interface VarPromptQuestion {
  readonly name: string;
  readonly prompt: string;
  /** The default, rendered, or undefined (shown as `[default]` after the prompt). */
  readonly default: string | undefined;
  readonly private: boolean;
  readonly confirm: boolean;
}

/** Asks one question; undefined when there is no terminal to ask on. */
export type AskVar = (question: VarPromptQuestion) => Promise<string | undefined>;
