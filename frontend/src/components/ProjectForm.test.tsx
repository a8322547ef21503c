import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ApiError, type ProjectInput } from "../api";
import { FIELDS_BELOW_MESSAGE } from "./ErrorBanner";
import { ProjectForm } from "./ProjectForm";

describe("ProjectForm", () => {
  it("sends trimmed values and split language codes", async () => {
    const onSubmit = vi.fn(async (_input: ProjectInput) => undefined);
    render(<ProjectForm withSlug submitLabel="Create project" onSubmit={onSubmit} />);

    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "  Ainu texts " } });
    fireEvent.change(screen.getByLabelText("Slug (optional)"), { target: { value: "ainu" } });
    fireEvent.change(screen.getByLabelText("Object languages"), {
      target: { value: "AIN, jpn,, " },
    });
    fireEvent.change(screen.getByLabelText("Visibility"), { target: { value: "public" } });
    fireEvent.click(screen.getByRole("button", { name: "Create project" }));

    await waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
    expect(onSubmit.mock.calls[0]![0]).toEqual({
      name: "Ainu texts",
      slug: "ainu",
      description: "",
      object_languages: ["ain", "jpn"],
      visibility: "public",
    });
  });

  it("leaves the slug out when it is empty", async () => {
    const onSubmit = vi.fn(async (_input: ProjectInput) => undefined);
    render(<ProjectForm withSlug submitLabel="Create project" onSubmit={onSubmit} />);

    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "Ainu" } });
    fireEvent.click(screen.getByRole("button", { name: "Create project" }));

    await waitFor(() => expect(onSubmit).toHaveBeenCalled());
    expect(onSubmit.mock.calls[0]![0]).not.toHaveProperty("slug");
  });

  it("shows the detail in a banner when no field errors explain it", async () => {
    const onSubmit = vi.fn(async () => {
      throw new ApiError(403, { error: "permission_denied", detail: "Not allowed.", fields: {} });
    });
    render(<ProjectForm withSlug submitLabel="Create project" onSubmit={onSubmit} />);

    fireEvent.click(screen.getByRole("button", { name: "Create project" }));

    expect((await screen.findByRole("alert")).textContent).toBe("Not allowed.");
  });

  it("shows each field's errors under its input and points the banner there", async () => {
    const onSubmit = vi.fn(async () => {
      throw new ApiError(400, {
        error: "invalid",
        detail: "Please correct the errors below.",
        fields: { slug: ["A project with this slug already exists."], name: ["Too long."] },
      });
    });
    render(<ProjectForm withSlug submitLabel="Create project" onSubmit={onSubmit} />);

    fireEvent.click(screen.getByRole("button", { name: "Create project" }));

    expect((await screen.findByRole("alert")).textContent).toBe(FIELDS_BELOW_MESSAGE);
    const slug = screen.getByLabelText("Slug (optional)");
    expect(slug.getAttribute("aria-invalid")).toBe("true");
    const describedBy = slug.getAttribute("aria-describedby")!.split(" ");
    const slugErrors = screen.getByTestId("field-errors-slug");
    expect(describedBy).toContain(slugErrors.id);
    expect(slugErrors.textContent).toBe("A project with this slug already exists.");
    // The error sits right after the slug input's own field, not elsewhere in the form.
    expect(slug.closest(".field")!.contains(slugErrors)).toBe(true);
    expect(screen.getByTestId("field-errors-name").textContent).toBe("Too long.");
  });

  it("lists a repeated message for list items once, under the list's input", async () => {
    const onSubmit = vi.fn(async () => {
      throw new ApiError(400, {
        error: "invalid",
        detail: "object_languages.0: Use an ISO 639-3 code.",
        fields: {
          "object_languages.0": ["Use an ISO 639-3 code."],
          "object_languages.1": ["Use an ISO 639-3 code."],
        },
      });
    });
    render(<ProjectForm withSlug submitLabel="Create project" onSubmit={onSubmit} />);

    fireEvent.click(screen.getByRole("button", { name: "Create project" }));

    const errors = await screen.findByTestId("field-errors-object_languages");
    expect(errors.querySelectorAll("li")).toHaveLength(1);
    expect(errors.textContent).toBe("Use an ISO 639-3 code.");
    expect(screen.getByLabelText("Object languages").getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByLabelText("Description").getAttribute("aria-invalid")).toBe("false");
  });

  it("clears old field errors when submitted again", async () => {
    const onSubmit = vi
      .fn<(input: ProjectInput) => Promise<void>>()
      .mockRejectedValueOnce(
        new ApiError(400, { error: "invalid", detail: "Bad.", fields: { name: ["Required."] } }),
      )
      .mockResolvedValueOnce(undefined);
    render(<ProjectForm withSlug submitLabel="Create project" onSubmit={onSubmit} />);

    fireEvent.click(screen.getByRole("button", { name: "Create project" }));
    await screen.findByTestId("field-errors-name");
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "Ainu" } });
    fireEvent.click(screen.getByRole("button", { name: "Create project" }));

    await waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(2));
    await waitFor(() => expect(screen.queryByTestId("field-errors-name")).toBeNull());
    expect(screen.queryByRole("alert")).toBeNull();
  });
});
