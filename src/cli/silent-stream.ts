/** A stream that keeps nothing but whether anything was written to it. */
export function silentStream(): { spoke: boolean; write(): void } {
  return {
    spoke: false,
    write() {
      this.spoke = true;
    },
  };
}
