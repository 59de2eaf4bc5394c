"""``client.collections``: list, get, create, update, delete, copy tiles, and find where one lives."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from sentinelhub_byoc import _operations as ops
from sentinelhub_byoc import _pagination
from sentinelhub_byoc._ids import as_uuid
from sentinelhub_byoc._transport._async.sending import AsyncSender
from sentinelhub_byoc.deployments import Deployment, deployment_from_location_list, preset_at_location
from sentinelhub_byoc.errors import APIResponseValidationError, NotFoundError, ValidationError
from sentinelhub_byoc.models import Collection, CollectionAdditionalData, Page


class AsyncCollections:
    """Collections of the account.

    >>> collection = await client.collections.create(name="my-cogs", s3_bucket="my-bucket")  # doctest: +SKIP
    >>> [c.name async for c in client.collections.list(search="cogs")]  # doctest: +SKIP
    ['my-cogs']
    """

    def __init__(self, sender: AsyncSender, deployment: Deployment | None = None) -> None:
        self._sender = sender
        # Where the sender points: locate() maps location ids from there (EU, the default, if unsaid).
        self._deployment = deployment if deployment is not None else Deployment.EU

    def pages(
        self, *, search: str | None = None, page_size: int | None = None, start_token: str | None = None
    ) -> AsyncIterator[Page[Collection]]:
        """Pages of collections, fetched lazily.

        ``search`` takes one word, or words joined by ``|`` (or) and ``&`` (and). Arguments are
        checked here, before the first page is asked for.
        """
        operation = ops.list_collections(page_size=page_size, token=start_token, search=search)
        return self._sender.pages(operation, "collections")

    def list(
        self,
        *,
        search: str | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        start_token: str | None = None,
    ) -> AsyncIterator[Collection]:
        """All matching collections, lazily, following pages; at most *limit* of them."""
        operation = ops.list_collections(page_size=page_size, limit=limit, token=start_token, search=search)
        return _pagination.async_items(self._sender.pages(operation, "collections"), limit)

    async def get(self, collection: Any) -> Collection:
        """One collection, by id (string or UUID) or object."""
        return await self._sender.send(ops.get_collection(as_uuid(collection, "collection")))

    async def create(
        self,
        collection: Collection | None = None,
        *,
        name: str | None = None,
        s3_bucket: str | None = None,
        no_data: float | None = None,
        storage_identifier: str | None = None,
    ) -> Collection:
        """Create a collection from a :class:`Collection` or from its fields.

        ``storage_identifier`` (Copernicus Data Space only: ``"waw3-1"``, ``"waw3-2"`` or
        ``"waw4-1"``) chooses the storage the collection's bucket lives in.
        """
        additional = (
            CollectionAdditionalData(storage_identifier=storage_identifier) if storage_identifier else None
        )
        new = ops.new_collection(collection, name, s3_bucket, no_data=no_data, additional_data=additional)
        return await self._sender.send(ops.create_collection(new))

    async def update(self, collection: Collection) -> Collection:
        """Replace the collection's name, bucket, noData and bands with *collection*'s; return it re-read.

        Take the collection from :meth:`get`, change it with ``attrs.evolve`` and pass it here:
        the API replaces every writable field, so omitted ones would be cleared.
        """
        collection_id = as_uuid(collection, "collection")
        await self._sender.send(ops.update_collection(collection_id, collection))
        return await self.get(collection_id)

    async def delete(self, collection: Any) -> None:
        """Delete a collection (it must be empty of tiles the service still ingests)."""
        await self._sender.send(ops.delete_collection(as_uuid(collection, "collection")))

    async def copy_tiles(self, source: Any, target: Any) -> None:
        """Copy *source*'s ingested tiles whose paths *target* lacks.

        *target* must have the same bands as *source*, or none yet.
        """
        await self._sender.send(
            ops.copy_tiles(as_uuid(source, "source collection"), as_uuid(target, "target collection"))
        )

    async def locate(self, collection: Any) -> Deployment:
        """The deployment that holds *collection* (id, string or object), wherever this client points.

        Any deployment answers the service's global lookup for the account's collections on every
        deployment. Its location id becomes a preset (a client of the public service), or an
        entry of the service's location list (``/api/v1/metadata/location/``) otherwise, keeping
        this client's token URL and path prefix. Raises :class:`NotFoundError` when no deployment
        holds a collection of this account by that id.

        >>> deployment = await client.collections.locate("0b2c3d4e-...")  # doctest: +SKIP
        >>> deployment.name  # doctest: +SKIP
        'us-west'
        """
        collection_id = as_uuid(collection, "collection")
        page = await self._sender.send(ops.locate_collections([collection_id]))
        entry = next((found for found in page.items if found.id == collection_id), None)
        if entry is None or not entry.location:
            raise NotFoundError(
                f"no deployment holds a collection {collection_id} of this account (the global lookup "
                f"asked at {self._deployment.base_url} found none); check the id and the credentials",
                status=404,
                code="COMMON_NOT_FOUND",
            )
        found = preset_at_location(entry.location, self._deployment)
        if found is not None:
            return found
        locations = await self._sender.send(ops.service_locations())
        url = locations.get(entry.location)
        try:
            if url is None:
                known = ", ".join(sorted(locations)) or "none"
                raise ValidationError(
                    f"collection {collection_id} is at location {entry.location!r}, which the service's "
                    f"location list does not name (it names: {known})"
                )
            return deployment_from_location_list(entry.location, url, self._deployment)
        except ValidationError as error:
            raise APIResponseValidationError(str(error), status=200) from None
