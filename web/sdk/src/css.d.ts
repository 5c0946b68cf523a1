// Style sheets bundled as text (esbuild loader "text" for .css).
declare module '*.css' {
  const text: string;
  export default text;
}
