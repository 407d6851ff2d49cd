// Requests before `initialize` are answered with ServerNotInitialized (-32002) and notifications before
// it are dropped, as the protocol asks; every handler is registered through this guard, which also
// counts the messages handled (background work waits for a turn without any).
import { ErrorCodes, ResponseError, type Connection } from 'vscode-languageserver/node';

/** Handlers that run whatever the state: the handshake itself and the exit notification. */
const ALWAYS = new Set(['onInitialize', 'onExit']);

type Handler = (...args: unknown[]) => unknown;

/** Where handlers are registered below the connection (`languages.semanticTokens.on`, `workspace.onDidRenameFiles`…). */
const NESTED = new Set([
  'languages', 'workspace', 'window', 'notebooks', 'inlayHint', 'semanticTokens', 'diagnostics', 'inlineValue',
  'typeHierarchy', 'callHierarchy', 'moniker', 'foldingRange',
]);

function guardHandler(handler: Handler, ready: () => boolean, onMessage: () => void): Handler {
  return (...args) => {
    onMessage();
    return ready()
      ? handler(...args)
      : new ResponseError(ErrorCodes.ServerNotInitialized, 'The server is not initialized yet: send initialize first.');
  };
}

/** The part of the connection whose `on…` methods register handlers; `languages.inlayHint.on` and the like too. */
function guardRegistrations<T extends object>(target: T, ready: () => boolean, onMessage: () => void): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver) as unknown;
      if (typeof property !== 'string') return value;
      if (typeof value === 'function') {
        if (!/^on([A-Z]|$)/.test(property) || ALWAYS.has(property)) return (value as Handler).bind(object);
        return (...args: unknown[]) => (value as Handler).apply(object, args.map((a) => (typeof a === 'function' ? guardHandler(a as Handler, ready, onMessage) : a)));
      }
      return value && typeof value === 'object' && NESTED.has(property) ? guardRegistrations(value, ready, onMessage) : value;
    },
  });
}

/** `onMessage` is told of every message a guarded handler receives (see foreground.ts). */
export function guardUntilInitialized(connection: Connection, ready: () => boolean, onMessage: () => void = () => undefined): Connection {
  return guardRegistrations(connection, ready, onMessage);
}
