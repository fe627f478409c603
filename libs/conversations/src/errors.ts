import { GatewayError } from '@app/core';

/** 404 for an unknown conversation or one that belongs to another owner (indistinguishable). */
export function conversationNotFound(id: string): GatewayError {
  return GatewayError.notFound(
    `No conversation found with id '${id}'.`,
    'conversation_id',
    'conversation_not_found',
  );
}

export function messageNotFound(id: string, seq: number): GatewayError {
  return GatewayError.notFound(
    `Conversation '${id}' has no message ${seq}.`,
    'seq',
    'message_not_found',
  );
}

export function messageNotPartial(id: string, seq: number): GatewayError {
  return new GatewayError({
    status: 409,
    type: 'invalid_request_error',
    code: 'message_not_partial',
    param: 'seq',
    message: `Message ${seq} of conversation '${id}' is complete and can no longer change.`,
  });
}

/** 400 for an input the store cannot hold (an impossible message, a bad cursor, ...). */
export function invalidInput(message: string, param: string): GatewayError {
  return GatewayError.invalidRequest(message, param, 'invalid_conversation_input');
}

/** 503 for a database the store cannot open or reach; the message must already be scrubbed. */
export function storeUnavailable(message: string): GatewayError {
  return GatewayError.unavailable(message, undefined, 'conversation_store_unavailable');
}

/** 500 for stored data that does not parse (written by something other than this store). */
export function corruptData(what: string): GatewayError {
  return new GatewayError({
    status: 500,
    type: 'api_error',
    code: 'conversation_store_corrupt',
    message: `Stored conversation data is corrupt: ${what}.`,
  });
}
