/**
 * A form's fields as the schema reads them when an emptied field must get the field's own message
 * ("Say why …", "Enter an amount.") rather than a bare "required": one value per name, empty text kept.
 * (`formEntries`, the helper's default, leaves empty fields out, for optional fields.)
 */
export function formValues(formData: FormData, names?: readonly string[]): Record<string, FormDataEntryValue> {
  const out: Record<string, FormDataEntryValue> = {};
  for (const name of names ?? new Set(formData.keys())) {
    const value = formData.get(name);
    if (value !== null) out[name] = value;
  }
  return out;
}
