"""A small Tornado + Motor service: users, their avatars in GridFS, and a signup report."""
