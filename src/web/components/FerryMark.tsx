/** Ferry's logo mark: a boat carrying mail across. */
export function FerryMark({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="7" fill="var(--brand-mark-bg)" />
      <path d="M7 19h18l-3 5H10z" fill="#fff" />
      <path d="M15 7v10H9z" fill="#bfe0ff" />
      <path d="M17 9v8h5z" fill="#fff" />
    </svg>
  );
}
