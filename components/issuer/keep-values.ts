"use client";
import { startTransition, type FormEvent } from "react";

/**
 * Submits a form to its action without React's automatic reset, so a refused submission keeps what
 * the person typed and chose (the reset would also uncheck controlled radios behind React's back).
 */
export function keepValues(formAction: (formData: FormData) => void) {
  return (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formData = new FormData(event.currentTarget);
    startTransition(() => formAction(formData));
  };
}
