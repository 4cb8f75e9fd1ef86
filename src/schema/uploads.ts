/** Files a multipart request carried, as the gateway holds them between the caller and the provider. */

/** A multipart upload the gateway has received (spooled to a temporary file, never held in memory). */
export interface UploadedFile {
  path: string;
  filename: string;
  contentType: string;
  bytes: number;
}

/** One file part of a multipart request, under the form field it came in. */
export interface UploadedPart {
  field: string;
  file: UploadedFile;
}
