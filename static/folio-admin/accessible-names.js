/* Name the controls that scripts build in place of a form field.
 *
 * select2 (the admin's autocomplete) and the prose editor hide the real
 * <select> or <textarea>, which the field's <label> names, and show controls
 * of their own that have no name (WCAG 2.2, 4.1.2 Name, Role, Value). Each
 * gets the name of the field it stands for: its label's text, or the
 * aria-label that a tabular inline's control carries.
 */
"use strict";
{
    function fieldName(control) {
        const own = control.getAttribute("aria-label");
        if (own) {
            return own;
        }
        const label = control.labels && control.labels[0];
        return label ? label.textContent.trim().replace(/:$/, "") : "";
    }

    function nameAutocompletes(root) {
        for (const container of root.querySelectorAll(".select2-container")) {
            const select = container.previousElementSibling;
            if (!select || select.tagName !== "SELECT") {
                continue;
            }
            const name = fieldName(select);
            const parts = container.querySelectorAll(
                ".select2-selection, .select2-selection--single > .select2-selection__rendered, " +
                ".select2-search__field"
            );
            for (const part of parts) {
                if (name && !part.hasAttribute("aria-label")) {
                    part.setAttribute("aria-label", name);
                }
            }
        }
    }

    // select2 builds its controls when the page is ready and when an inline
    // row is added; name them as they appear.
    function isAutocompletePart(node) {
        return node.nodeType === Node.ELEMENT_NODE && node.closest(".select2-container");
    }

    new MutationObserver(function(mutations) {
        const added = mutations.some(
            mutation => Array.from(mutation.addedNodes).some(isAutocompletePart)
        );
        if (added) {
            nameAutocompletes(document);
        }
    }).observe(document.documentElement, {childList: true, subtree: true});

    // django-prose-editor announces each editor it builds from a textarea.
    document.addEventListener("prose-editor:ready", function(event) {
        const {editor, textarea} = event.detail;
        const name = fieldName(textarea);
        if (name) {
            editor.view.dom.setAttribute("aria-label", name);
        }
        editor.view.dom.setAttribute("aria-multiline", "true");
    });
}
