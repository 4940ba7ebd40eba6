"""Parse, measure and validate a client's operation; the runtime caches the result per document.

The stage runs in two steps so the security limits can look at an operation between them:
`parse_operation` bounds the work by the document's size and token count (both checked while
reading it, so an oversized document costs no parse tree), picks the operation and measures its
facts; `validate_operation` validates it against the API schema. Nothing here is cached: the
runtime's document cache (`gateway/documents.py`) keeps what is worth keeping, per gateway.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    Source,
    validate,
)
from graphql.language.parser import Parser, nested_too_deeply_error

from gateway.operation.errors import (
    GRAPHQL_PARSE_FAILED,
    GRAPHQL_VALIDATION_FAILED,
    MAX_DOCUMENT_SIZE_EXCEEDED,
    MAX_FIELDS_EXCEEDED,
    MAX_TOKENS_EXCEEDED,
    OPERATION_NAME_REQUIRED,
    OPERATION_NOT_FOUND,
    OperationErrors,
    from_graphql_errors,
    request_error,
)
from gateway.operation.facts import OperationFacts, measure, too_many_fields
from gateway.operation.lexer import FastLexer, unlink_tokens
from gateway.operation.prepared import PreparedOperation

__all__ = [
    "DocumentLimits",
    "ParsedDocument",
    "document_size",
    "parse_operation",
    "prepare_operation",
    "validate_operation",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentLimits:
    """Bounds on reading one document; 0 turns one off."""

    max_bytes: int = 0
    max_tokens: int = 0
    """Lexical tokens, comments counted apart against the same number (as the parser can)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ParsedDocument:
    """A parsed document, the operation the request names (or why none), and its facts."""

    document: DocumentNode
    fragments: dict[str, FragmentDefinitionNode]
    chosen: OperationDefinitionNode | OperationErrors
    facts: OperationFacts | None
    """None when no operation was picked (the error is reported after validation's)."""


def document_size(query: str) -> int:
    """The document's size in UTF-8 bytes, without encoding an ASCII one."""
    return len(query) if query.isascii() else len(query.encode("utf-8", "surrogatepass"))


def parse_operation(
    query: str, operation_name: str | None, limits: DocumentLimits
) -> ParsedDocument | OperationErrors:
    """Parse `query` within `limits`, pick the operation and measure it."""
    if limits.max_bytes and document_size(query) > limits.max_bytes:
        message = f"The document is larger than the limit of {limits.max_bytes} bytes."
        return OperationErrors(errors=(request_error(message, MAX_DOCUMENT_SIZE_EXCEEDED),))
    document = _parse(query, limits.max_tokens)
    if isinstance(document, OperationErrors):
        return document
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = _choose(operations, operation_name)
    facts = None if isinstance(chosen, OperationErrors) else measure(chosen, fragments)
    return ParsedDocument(document=document, fragments=fragments, chosen=chosen, facts=facts)


def _parse(query: str, max_tokens: int) -> DocumentNode | OperationErrors:
    source = Source(query)
    limit = max_tokens or None
    parser = Parser(source, lexer=FastLexer(source), max_lexical_tokens=limit, max_comments=limit)
    try:
        try:
            document = parser.parse_document()
        except RecursionError:
            raise nested_too_deeply_error(parser) from None
    except GraphQLError as error:
        unlink_tokens(parser._lexer.token)
        if limit is not None and _over_token_limit(parser, limit):
            message = f"The document has more than {max_tokens} tokens, the limit."
            return OperationErrors(errors=(request_error(message, MAX_TOKENS_EXCEEDED),))
        return from_graphql_errors([error], GRAPHQL_PARSE_FAILED)
    unlink_tokens(parser._lexer.token)
    return document


def _over_token_limit(parser: Parser, limit: int) -> bool:
    return parser._lexical_token_counter > limit or parser._lexer._comment_count > limit


def validate_operation(
    api_schema: GraphQLSchema, parsed: ParsedDocument
) -> PreparedOperation | OperationErrors:
    """The operation validated against `api_schema`, ready to plan and shape."""
    facts = parsed.facts
    bomb = None if facts is None else too_many_fields(facts)
    if bomb is not None:  # validating it would compare its fields pairwise, for minutes
        return OperationErrors(errors=(request_error(bomb, MAX_FIELDS_EXCEEDED),))
    problems = validate(api_schema, parsed.document)
    if problems:
        return from_graphql_errors(problems, GRAPHQL_VALIDATION_FAILED)
    chosen = parsed.chosen
    if isinstance(chosen, OperationErrors):
        return chosen
    assert facts is not None  # measured whenever an operation was chosen
    kind: Literal["query", "mutation", "subscription"] = chosen.operation.value
    return PreparedOperation(
        document=parsed.document,
        operation=chosen,
        fragments=parsed.fragments,
        kind=kind,
        name=chosen.name.value if chosen.name else None,
        facts=facts,
    )


def prepare_operation(
    api_schema: GraphQLSchema,
    query: str,
    operation_name: str | None,
    limits: DocumentLimits = DocumentLimits(),
) -> PreparedOperation | OperationErrors:
    """Both steps at once, uncached (the CLI, tests, and anything outside the server)."""
    parsed = parse_operation(query, operation_name, limits)
    if isinstance(parsed, OperationErrors):
        return parsed
    return validate_operation(api_schema, parsed)


def _choose(
    operations: list[OperationDefinitionNode], operation_name: str | None
) -> OperationDefinitionNode | OperationErrors:
    if operation_name is None:
        if len(operations) == 1:
            return operations[0]
        message = "Must provide operation name if query contains multiple operations."
        return OperationErrors(errors=(request_error(message, OPERATION_NAME_REQUIRED),))
    for operation in operations:
        if operation.name is not None and operation.name.value == operation_name:
            return operation
    message = f'Unknown operation named "{operation_name}".'
    return OperationErrors(errors=(request_error(message, OPERATION_NOT_FOUND),))
