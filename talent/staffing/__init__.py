"""Who staffs the stations: a station's current and former staff and its staffing against the norms of its tier.

Above places, people and certification, which it puts together; places knows nothing of workers."""
