// The official ollama npm client streaming the same chat to nowhere.
// Usage: node bench-ollama-js.mjs URL [MODEL]   (ollama installed next to it)
import { Ollama } from 'ollama';

const [url, model = 'llama3.2:1b'] = process.argv.slice(2);
const ollama = new Ollama({ host: url });
let parts = 0;
let done = false;
for await (const part of await ollama.chat({ model, messages: [{ role: 'user', content: 'bench' }], stream: true })) {
  ++parts;
  if (part.done) done = true;
}
process.stderr.write(`bench-ollama-js: ${parts} parts, done=${done}\n`);
process.exit(done ? 0 : 1);
