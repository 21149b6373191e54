"""Events: PLOVER-coded events with actors and dates (`newsfacts_events`)."""
