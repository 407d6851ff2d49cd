// Imported first by main.ts for this one effect: gdb starts before the modules imported after this one
// are evaluated (ES modules run in import order; see earlyGdb.ts).
import { startEarlyGdb } from './earlyGdb';

startEarlyGdb();
