/* rule_ids: the one table of built-in rule ids. Keep it sorted by id, one
 * meaning per id; tests/rule-ids.sh checks it against src/ and
 * docs/cli.md. */
#include "rule_ids.h"

#include <string.h>

const qs_rule_id qs_rule_ids[] = {
    {"alternative-optional", "An item is marked both optional and alternative."},
    {"alternative-without-main", "An alternative item has no regular item before it in its group."},
    {"bad-date", "A date is not a valid YYYY-MM-DD calendar date."},
    {"bad-number", "A number does not follow the decimal grammar or is out of range."},
    {"bad-period", "A period is none of YYYY, YYYY-Qn and YYYY-MM."},
    {"bad-regex", "A pattern in a leads rules file does not compile."},
    {"bad-revision", "A quote's revision is not a whole number from 1 to 9999."},
    {"country", "A seller's or customer's country is not an ISO 3166-1 alpha-2 code."},
    {"csv-encoding", "A CSV field is not valid in the list's encoding."},
    {"csv-fields", "A CSV row has another number of fields than the header."},
    {"csv-quote", "A CSV field has a quote in the wrong place, or the list ends inside one."},
    {"currency-mismatch", "A currency differs from the one it must match (price list and quote, quote and targets)."},
    {"custom-line", "A custom line lacks its name, price or tax rate."},
    {"customer-address", "A final quote needs the customer's name, street, postal code and city."},
    {"customer-country", "A customer without a country has a VAT id of another country than the seller's: the lines carry domestic VAT."},
    {"datasheet", "A product's datasheet is not a PDF, or shares its file name with another."},
    {"department-name-mismatch", "A department file's name differs from the quote's reference."},
    {"doctype", "Input documents may not have a DOCTYPE."},
    {"duplicate-outcome", "Two outcomes name the same quote."},
    {"duplicate-pricelist", "Two price lists have the same id."},
    {"duplicate-quote", "Two quotes of a report have the same id."},
    {"duplicate-rep", "A rep is in two teams."},
    {"duplicate-sku", "A SKU appears twice in one price list."},
    {"duplicate-target", "Two targets have the same period and scope."},
    {"duplicate-tier", "Two volume tiers start at the same quantity."},
    {"empty-quote", "A quote has no line, or a final quote only optional ones."},
    {"exempt-rate", "An exempt tax rate (category E) is not 0 % or lacks its exemption-reason, or a rate that is not exempt has one."},
    {"file-not-found", "A referenced file does not exist."},
    {"file-too-large", "A file is larger than --max-file-size."},
    {"font", "A font could not be read or used."},
    {"id-collision", "Two quotes of one batch have the same id."},
    {"image", "An image could not be read or used."},
    {"incoterm", "The delivery terms name an unknown Incoterm."},
    {"incoterm-place", "The Incoterm needs a named place."},
    {"incoterm-sea", "A sea-only Incoterm for a delivery not by sea."},
    {"input-reuse", "One file is referenced as two different kinds of input."},
    {"internal", "quotesmith caught itself in an inconsistency."},
    {"intra-eu-vat-id", "The intra-eu tax treatment needs the customer's VAT id."},
    {"layout", "The document could not be laid out."},
    {"lead-country", "A lead's country is not an ISO 3166 code."},
    {"lead-email", "A lead's e-mail address is not plausible."},
    {"letter-date", "The information letters are dated outside their price list's validity."},
    {"missing-glyph", "A character has no glyph in the template's fonts."},
    {"no-letter", "--letters was given but the leads rules have no <letter> element."},
    {"not-a-file", "A referenced path is not a regular file."},
    {"not-csv", "A file given as a CSV list is not one, or no header column is mapped."},
    {"oss", "An EU consumer across the border: destination VAT (OSS) may apply."},
    {"output", "An output file could not be written."},
    {"overflow", "A figure exceeds the range of exact arithmetic."},
    {"path-outside-root", "A path resolves outside the project root."},
    {"payment-terms", "The payment terms are inconsistent."},
    {"pdf", "The PDF could not be produced."},
    {"pricelist-date-order", "A price list's valid-until is before its valid-from."},
    {"pricelist-validity", "A price list is not valid on the quote date."},
    {"quote-failed", "Quotes of a report did not load and are left out."},
    {"regex-limit", "A pattern hit a PCRE2 match or depth limit on an input."},
    {"register", "The report's register of quote figures cannot be used."},
    {"root", "The project root is not a folder."},
    {"schema", "A file does not match its format's XML Schema."},
    {"seller-country", "The seller has no country, so the tax treatment cannot be inferred."},
    {"sent-locked", "The output folder holds a sent package that the build would change: another quote or revision, a changed input, another language or template."},
    {"target-scope", "A target names both a rep and a department."},
    {"tax-rate-conflict", "Two price lists define one tax rate differently."},
    {"template", "The template is invalid."},
    {"ubl", "The UBL document could not be produced."},
    {"unknown-category", "A leads letter names a category the price list lacks."},
    {"unknown-currency", "The currency is not an ISO 4217 code quotesmith knows."},
    {"unknown-pricelist", "A price list overrides one that is not loaded."},
    {"unknown-quote", "An outcome names a quote that was not read."},
    {"unknown-rep", "A target names a rep who is in no team."},
    {"unknown-sku", "A line names a SKU no price list has."},
    {"unknown-tax", "A product or line names an unknown tax rate."},
    {"unmapped-column", "A column the leads rules map is not in the list."},
    {"usage", "The command line is wrong."},
    {"validity-beyond-pricelist", "The quote is valid longer than a price list it uses."},
    {"validity-order", "The quote's valid-until is not after its date."},
    {"xml-limits", "A document exceeds the nesting or attribute limits."},
    {"xml-syntax", "A file is not well-formed XML."},
    {"xpath", "An XPath expression is invalid or exceeded its limits."},
};

const size_t qs_rule_ids_count = sizeof qs_rule_ids / sizeof qs_rule_ids[0];

const char *qs_rule_id_description(const char *id)
{
    for (size_t i = 0; i < qs_rule_ids_count; i++)
        if (strcmp(qs_rule_ids[i].id, id) == 0)
            return qs_rule_ids[i].description;
    return NULL;
}
