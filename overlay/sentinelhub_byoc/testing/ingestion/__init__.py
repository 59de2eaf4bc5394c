"""The emulator's tile ingestion: reading COG headers from buckets and judging them.

:func:`ingest_tile` does what the service does when a tile is ingested: finds each band's
file from the tile path, reads the TIFF headers with ranged reads (so an S3 object is not
downloaded), applies the COG rules and works out the tile's CRS, bounding box and bands.
Buckets are :class:`Storage` objects: :class:`LocalStorage` folders, :class:`S3Storage`
buckets in an S3-compatible store (:func:`s3_buckets`) or :class:`GCSStorage` buckets in
Google Cloud Storage or its emulator (:func:`gcs_buckets`, for the GCP deployment's
collections, whose ``s3Bucket`` names a Cloud Storage bucket).

Choices where the service's documentation leaves room:

- a folder tile path means ``folder/(BAND).tiff``, or ``folder/(BAND).tif`` when only that
  exists; discovering bands in a folder takes every ``.tif``/``.tiff`` file directly in it;
- tiles may be square or not, each side 256 to 2048 pixels; uncompressed files fail like
  JPEG ones, since only DEFLATE/ZLIB, ZSTD, PIXTIFF_ZIP, PACKBITS and LZW are listed;
- the header is every IFD (overviews, masks, SubIFDs) with its tag values: at most 1 MiB
  (1,048,576 bytes), all of it before the image data as in a COG (GDAL's and rio-cogeo's
  definition), so overviews added after the image data fail the tile;
- every image's tiles are checked (the service's cause names the image index); tile sizes
  that differ between levels, and a mask's tiles, only warn, as the documentation is silent;
- on CDSE, unsigned 1, 2 and 4-bit files are read as bytes: their bands are 8-bit UINT;
- a malformed header (a tag of the wrong type or count, an IFD loop) fails the tile with an
  ``unreadable`` cause, never an exception;
- missing overviews, or overviews that stop well above one tile, are warnings;
- ``tileGeometry`` is the intersection of the files' boxes (they must agree within a
  pixel anyway); geometries always carry a ``crs`` member, ``EPSG::4326`` included.

The COG rules themselves and header reading live in :mod:`sentinelhub_byoc.cog`, which users
call to check files before ingesting them, and the buckets in the package's storage layer;
this package is the emulator's part: finding a tile's files, defining or checking the
collection's bands, and the outcome.

Importing this package is cheap: tifffile, numpy, pyproj, boto3 and google-cloud-storage are
imported only when a tile is ingested or a bucket is read.
"""

from __future__ import annotations

from sentinelhub_byoc.cog._crs_rules import SUPPORTED_EPSG, geometry_epsg
from sentinelhub_byoc.cog._transforms import reproject_geometry
from sentinelhub_byoc.storage._errors import InvalidBucketNameError, StorageError, StorageKeyError
from sentinelhub_byoc.storage._gcs import GCSStorage, gcs_buckets
from sentinelhub_byoc.storage._local import LocalStorage, local_buckets
from sentinelhub_byoc.storage._protocol import BucketResolver, Storage
from sentinelhub_byoc.storage._s3 import S3Storage, s3_buckets
from sentinelhub_byoc.testing.ingestion._engine import IngestionOutcome, ingest_tile

__all__ = [
    "SUPPORTED_EPSG",
    "BucketResolver",
    "GCSStorage",
    "IngestionOutcome",
    "InvalidBucketNameError",
    "LocalStorage",
    "S3Storage",
    "Storage",
    "StorageError",
    "StorageKeyError",
    "gcs_buckets",
    "geometry_epsg",
    "ingest_tile",
    "local_buckets",
    "reproject_geometry",
    "s3_buckets",
]
