/** The numbered lines an import refused ("line 4: … is not an email address"), from an error's details. */
export function LineProblems({ details }: { details: Record<string, unknown> }) {
  const problems = Array.isArray(details.problems)
    ? (details.problems as unknown[]).filter(
        (problem): problem is { line: number; message: string } =>
          typeof problem === 'object' &&
          problem !== null &&
          typeof (problem as { line?: unknown }).line === 'number' &&
          typeof (problem as { message?: unknown }).message === 'string',
      )
    : [];
  if (problems.length === 0) return null;
  return (
    <ul className="line-problems">
      {problems.map((problem) => (
        <li key={`${problem.line}-${problem.message}`}>
          <strong>Line {problem.line}:</strong> {problem.message}
        </li>
      ))}
    </ul>
  );
}
