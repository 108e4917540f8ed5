import * as root from 'ppl-vi';
import * as engine from 'ppl-vi/engine';
const names = (m) => ["fit", "loadModel", "checkModel", "arrayData", "restoreModel", "saveCheckpoint", "readCheckpoint", "openData"].filter((k) => typeof m[k] === "function");
console.log(JSON.stringify({ root: names(root), engine: names(engine), model: root.loadModel("global p : unit\nmodel { p ~ Beta(2, 2) }\n").checked.latents[0].name }));
