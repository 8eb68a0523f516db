/** A field for a password being chosen: the lengths auth accepts, and the browser's generator. */
export function NewPasswordField(props: { label: string; value: string; onInput: (value: string) => void }) {
  return (
    <label>
      {props.label}
      <input
        type="password"
        autocomplete="new-password"
        required
        minLength={8}
        maxLength={256}
        value={props.value}
        onInput={(event) => props.onInput(event.currentTarget.value)}
      />
    </label>
  );
}
