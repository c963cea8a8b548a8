/* Staff pages: accessible names for the admin's select2 pickers (WCAG 1.3.1, 4.1.2).
 *
 * select2 (the admin's autocomplete widget) names its combobox after the chosen value only, leaves its
 * search box unlabelled and puts a "clear" control straight inside its list of choices. Each time it
 * draws itself, point its parts at the field's own label and wrap the control in a list item.
 */
(function () {
    "use strict";

    function labelOf(select) {
        var label = select.labels && select.labels[0];
        if (!label) {
            return null;
        }
        if (!label.id) {
            label.id = select.id + "-label";
        }
        return label;
    }

    function setOnce(element, name, value) {
        if (element.getAttribute(name) !== value) {
            element.setAttribute(name, value);
        }
    }

    function name(label) {
        return label.textContent.replace(/:\s*$/, "").trim();
    }

    function fix() {
        document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
            var container = select.nextElementSibling;
            var label = labelOf(select);
            if (!container || !container.classList.contains("select2") || !label) {
                return;
            }
            container.querySelectorAll(".select2-selection").forEach(function (selection) {
                var rendered = selection.querySelector(".select2-selection__rendered");
                var shown = rendered && rendered.id ? " " + rendered.id : "";
                setOnce(selection, "aria-labelledby", label.id + shown);
            });
            container.querySelectorAll(".select2-selection__rendered[role='textbox']").forEach(function (rendered) {
                setOnce(rendered, "aria-labelledby", label.id);
            });
            container.querySelectorAll(".select2-search__field").forEach(function (field) {
                setOnce(field, "aria-label", "Search " + name(label));
            });
            container.querySelectorAll("ul.select2-selection__rendered > .select2-selection__clear").forEach(function (clear) {
                var item = document.createElement("li");
                item.className = "select2-selection__clear-item";
                clear.parentNode.insertBefore(item, clear);
                item.appendChild(clear);
            });
        });
        // The search box of an open single-choice picker lives in a dropdown at the end of the page.
        document.querySelectorAll(".select2-dropdown .select2-search__field:not([aria-label])").forEach(function (field) {
            field.setAttribute("aria-label", "Search");
        });
    }

    function start() {
        fix();
        new MutationObserver(fix).observe(document.body, {childList: true, subtree: true});
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
}());
