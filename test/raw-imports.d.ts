// Vite's `?raw` imports: a file's text, as a string (test/contract/error-catalogue.test.ts reads the README).
declare module '*?raw' {
  const text: string
  export default text
}
