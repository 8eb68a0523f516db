// @zerochat/ollama/Modelfile (ollama/Modelfile), imported `with { type: 'text' }`: its text.
declare module '*/Modelfile' {
  const text: string;
  export default text;
}
