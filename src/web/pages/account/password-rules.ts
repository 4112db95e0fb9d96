/** The password policy as the console explains it; the server checks it (src/secrets/password-policy.ts). */
export const MIN_PASSWORD_LENGTH = 12;
export const PASSWORD_HINT = `At least ${MIN_PASSWORD_LENGTH} characters; a few words make a good password. Commonly used passwords are refused.`;
