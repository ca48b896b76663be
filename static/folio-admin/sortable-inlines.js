/* Reorder the rows of tabular inlines marked "folio-sortable".
 *
 * Each row gets a drag handle and "move up" / "move down" buttons in its
 * Order column; the position inputs are renumbered 0, 1, 2... in the order
 * shown. Extra rows nobody filled in keep their initial value, so Django
 * still treats them as unchanged and skips them.
 */
"use strict";
{
    const FORM_ROW = "tr.form-row:not(.empty-form)";
    const translate = (text) => (window.gettext ? window.gettext(text) : text);
    let dragged = null;

    const formRows = (tbody) =>
        Array.from(tbody.children).filter((row) => row.matches(FORM_ROW));

    const positionInput = (row) => row.querySelector("input.folio-position");

    const isBlankNewRow = (row) => {
        if (row.classList.contains("has_original")) {
            return false;
        }
        return Array.from(row.querySelectorAll("input, select, textarea")).every(
            (field) => {
                if (field.type === "hidden" || field.type === "button") {
                    return true;
                }
                if (field.type === "checkbox" || field.type === "radio") {
                    return field.checked === field.defaultChecked;
                }
                if (field.tagName === "SELECT") {
                    return Array.from(field.options).every(
                        (option) => option.selected === option.defaultSelected,
                    );
                }
                return field.value === field.defaultValue;
            },
        );
    };

    const renumber = (tbody) => {
        let position = 0;
        for (const row of formRows(tbody)) {
            const input = positionInput(row);
            if (!input) {
                continue;
            }
            if (isBlankNewRow(row)) {
                input.value = input.dataset.initial;
            } else {
                input.value = String(position);
                position += 1;
            }
        }
    };

    const isInOrder = (tbody) => {
        let previous = -1;
        for (const row of formRows(tbody)) {
            const input = positionInput(row);
            if (!input || isBlankNewRow(row)) {
                continue;
            }
            const value = Number.parseInt(input.value, 10);
            if (Number.isNaN(value) || value <= previous) {
                return false;
            }
            previous = value;
        }
        return true;
    };

    // A row travels with the row of non-field errors Django puts above it.
    const moveRow = (row, reference) => {
        const errors = row.previousElementSibling;
        row.parentNode.insertBefore(row, reference);
        if (errors && errors.classList.contains("row-form-errors")) {
            row.parentNode.insertBefore(errors, row);
        }
    };

    const rowStart = (row) => {
        const errors = row.previousElementSibling;
        return errors && errors.classList.contains("row-form-errors") ? errors : row;
    };

    const announce = (tbody, row) => {
        const region = tbody.closest("fieldset").querySelector(".folio-sort-status");
        const rows = formRows(tbody);
        if (region) {
            region.textContent = interpolate(
                translate("Moved to position %s of %s."),
                [rows.indexOf(row) + 1, rows.length],
            );
        }
    };

    const interpolate = (text, values) =>
        values.reduce((result, value) => result.replace("%s", value), text);

    const makeButton = (className, label, symbol) => {
        const button = document.createElement("button");
        button.type = "button";
        button.className = className;
        button.title = label;
        button.setAttribute("aria-label", label);
        button.textContent = symbol;
        return button;
    };

    const enhanceRow = (row) => {
        const input = positionInput(row);
        if (!input || input.type === "hidden") {
            return;
        }
        input.dataset.initial = input.defaultValue;
        input.type = "hidden";
        const tools = document.createElement("span");
        tools.className = "folio-sort-tools";
        const handle = document.createElement("span");
        handle.className = "folio-sort-handle";
        handle.title = translate("Drag to reorder");
        handle.setAttribute("aria-hidden", "true");
        handle.textContent = "\u2807\u2807";
        tools.append(
            handle,
            makeButton("folio-sort-up", translate("Move up"), "\u2191"),
            makeButton("folio-sort-down", translate("Move down"), "\u2193"),
        );
        input.after(tools);
    };

    // After a failed save the rows come back in form order; show them in the
    // order the editor chose.
    const sortByPosition = (tbody) => {
        const rows = formRows(tbody);
        const filled = rows.filter((row) => positionInput(row) && !isBlankNewRow(row));
        const sorted = [...filled].sort(
            (a, b) =>
                Number.parseInt(positionInput(a).value, 10) -
                Number.parseInt(positionInput(b).value, 10),
        );
        if (sorted.every((row, index) => row === filled[index])) {
            return;
        }
        const anchor = rows.length ? rows[rows.length - 1].nextElementSibling : null;
        for (const row of [...sorted, ...rows.filter((row) => !filled.includes(row))]) {
            moveRow(row, anchor);
        }
    };

    // Django's inlines.js renumbers form prefixes in page order when a new row
    // is removed; saved rows must keep the lowest indexes (the initial forms).
    const reindex = (tbody, prefix) => {
        const rows = formRows(tbody);
        const ordered = [
            ...rows.filter((row) => row.classList.contains("has_original")),
            ...rows.filter((row) => !row.classList.contains("has_original")),
        ];
        const pattern = new RegExp(`(${prefix}-(\\d+|__prefix__))`);
        ordered.forEach((row, index) => {
            const replacement = `${prefix}-${index}`;
            for (const element of [row, ...row.querySelectorAll("*")]) {
                for (const attribute of ["id", "name", "for"]) {
                    const value = element.getAttribute(attribute);
                    if (value && pattern.test(value)) {
                        element.setAttribute(attribute, value.replace(pattern, replacement));
                    }
                }
            }
        });
    };

    const onClick = (event) => {
        const button = event.target.closest(".folio-sort-up, .folio-sort-down");
        if (!button) {
            return;
        }
        const row = button.closest("tr");
        const tbody = row.parentNode;
        const rows = formRows(tbody);
        const index = rows.indexOf(row);
        if (button.classList.contains("folio-sort-up") && index > 0) {
            moveRow(row, rowStart(rows[index - 1]));
        } else if (button.classList.contains("folio-sort-down") && index < rows.length - 1) {
            moveRow(row, rows[index + 1].nextElementSibling);
        } else {
            return;
        }
        renumber(tbody);
        button.focus();
        announce(tbody, row);
    };

    const setUpGroup = (fieldset) => {
        const tbody = fieldset.querySelector("table > tbody");
        if (!tbody || !tbody.querySelector("input.folio-position")) {
            return;
        }
        fieldset.classList.add("folio-sortable-ready");
        const status = document.createElement("p");
        status.className = "folio-sort-status visually-hidden";
        status.setAttribute("aria-live", "polite");
        fieldset.append(status);
        tbody.querySelectorAll("tr.form-row").forEach(enhanceRow);
        sortByPosition(tbody);

        tbody.addEventListener("click", onClick);
        tbody.addEventListener("pointerdown", (event) => {
            const handle = event.target.closest(".folio-sort-handle");
            if (handle) {
                handle.closest("tr").draggable = true;
            }
        });
        // Only the handle starts a drag, so text in the fields stays selectable.
        tbody.addEventListener("pointerup", () => {
            formRows(tbody).forEach((row) => {
                row.draggable = false;
            });
        });
        tbody.addEventListener("dragstart", (event) => {
            const row = event.target.closest && event.target.closest(FORM_ROW);
            if (!row || !row.draggable) {
                return;
            }
            dragged = row;
            row.classList.add("folio-dragging");
            event.dataTransfer.effectAllowed = "move";
            event.dataTransfer.setData("text/plain", "");
        });
        tbody.addEventListener("dragover", (event) => {
            if (!dragged || dragged.parentNode !== tbody) {
                return;
            }
            event.preventDefault();
            const target = event.target.closest(FORM_ROW);
            if (!target || target === dragged) {
                return;
            }
            const box = target.getBoundingClientRect();
            const after = event.clientY > box.top + box.height / 2;
            moveRow(dragged, after ? target.nextElementSibling : rowStart(target));
        });
        tbody.addEventListener("drop", (event) => {
            if (dragged && dragged.parentNode === tbody) {
                event.preventDefault();
            }
        });
        tbody.addEventListener("dragend", () => {
            if (!dragged) {
                return;
            }
            dragged.classList.remove("folio-dragging");
            dragged.draggable = false;
            renumber(tbody);
            announce(tbody, dragged);
            dragged = null;
        });

        const form = fieldset.closest("form");
        if (form) {
            form.addEventListener("submit", () => {
                if (!isInOrder(tbody)) {
                    renumber(tbody);
                }
            });
        }
    };

    const init = () => {
        document.querySelectorAll("fieldset.folio-sortable").forEach(setUpGroup);
        document.addEventListener("formset:added", (event) => {
            const fieldset = event.target.closest("fieldset.folio-sortable");
            if (fieldset) {
                enhanceRow(event.target);
            }
        });
        document.addEventListener("formset:removed", (event) => {
            const prefix = event.detail && event.detail.formsetName;
            const group = prefix && document.getElementById(`${prefix}-group`);
            const tbody = group && group.querySelector("fieldset.folio-sortable tbody");
            if (tbody) {
                // inlines.js renumbers right after this event.
                window.setTimeout(() => {
                    reindex(tbody, prefix);
                    renumber(tbody);
                }, 0);
            }
        });
    };

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
}
