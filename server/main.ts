// Placeholder until the language server lands (issue 4).
export {};
