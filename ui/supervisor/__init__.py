"""The supervisor's desk: review queue, rectification tracker, 双随机 campaigns, dashboard."""
