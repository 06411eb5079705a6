/** One choice of a few, side by side: a labelled radiogroup. */
export function RadioRow<T extends string>({
  label,
  name,
  value,
  options,
  onChange,
}: {
  /** The group's accessible name. */
  label: string;
  name?: string;
  value: T;
  options: readonly (readonly [T, string])[];
  onChange: (value: T) => void;
}) {
  return (
    <div role="radiogroup" aria-label={label} className="radio-row">
      {options.map(([option, text]) => (
        <label key={option} className="check">
          <input type="radio" name={name} checked={value === option} onChange={() => onChange(option)} />
          {text}
        </label>
      ))}
    </div>
  );
}
