/**
 * One step of a location: an object key or an array index.
 */
export type LocationItem = string | number;
/**
 * The body of an HTTP 422 answer, as FastAPI 0.115 writes it: one entry per problem found in the request.
 */
export interface HTTPValidationError {
    /**
     * The problems found, in the order they were found.
     */
    detail?: ValidationError[];
    [k: string]: unknown;
}
/**
 * One problem in the request.
 */
export interface ValidationError {
    /**
     * Where the problem is: the request part (`body`), then the keys and array indexes down to the offending value.
     */
    loc: LocationItem[];
    /**
     * What is wrong, for a person.
     */
    msg: string;
    /**
     * The kind of problem, for a program.
     */
    type: string;
    [k: string]: unknown;
}
