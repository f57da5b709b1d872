/** What the guard does with a conflict: refuse (exit 1), report and pass, or not look at all. */
export type GuardMode = 'block' | 'warn' | 'off';
export const guardModes: readonly GuardMode[] = ['block', 'warn', 'off'];
