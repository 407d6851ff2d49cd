export * from './bits';
export * from './instructions';
export * from './registers';
