/** Vite/Vitest "?raw" imports: the file's text (used by docs.test.ts to check docs/messages.md). */
declare module "*.md?raw" {
  const text: string;
  export default text;
}
