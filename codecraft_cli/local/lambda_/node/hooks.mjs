// A resolve hook (node:module register): a bare specifier an ES module cannot find beside it is looked
// up in the NODE_PATH folders, as Lambda's Node.js runtimes do since Node.js 18 ("Lambda searches folders
// in the NODE_PATH environment variable when loading ES modules",
// https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html#designate-es-module). Node itself
// ignores NODE_PATH for `import`.

import path from 'node:path';
import { pathToFileURL } from 'node:url';

let folders = [];

export async function initialize(data) {
  folders = (data && data.paths) || [];
}

const bare = (specifier) => !/^(\.|\/|[a-zA-Z][a-zA-Z0-9+.-]*:)/.test(specifier);

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (err) {
    if (!err || err.code !== 'ERR_MODULE_NOT_FOUND' || !bare(specifier)) throw err;
    for (const folder of folders) {
      try {
        // resolved as from a file inside the folder: node looks in <folder>/node_modules, then walks
        // up, so <folder> itself is searched when it is a node_modules folder
        const parentURL = pathToFileURL(path.join(folder, 'node_modules', '.codecraft-resolve.mjs')).href;
        return await nextResolve(specifier, { ...context, parentURL });
      } catch {
        // the next folder
      }
    }
    throw err;
  }
}
