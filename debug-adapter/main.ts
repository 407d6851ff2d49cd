// Placeholder until the debug adapter lands (issue 5).
export {};
